package dev.circlet.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Executor;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.api.v1alpha1.Step;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ValidatingAdmissionPolicy of the CRD bundle on a real kube-apiserver: a tenant namespace
 * bound to one organization cannot create or re-point a Pipeline, Workflow or Build at another.
 */
@KubeCluster
class OrganizationBindingPolicyOnApiServerTest {
  static final Path POLICY = Path.of("policies", "organization-binding.yaml");
  /** acme's namespace. */
  static final String ACME = "vap-acme";
  /** A tenant bound to its own organization, "hobby". */
  static final String HOBBY = "vap-hobby";
  /** A namespace no admin bound. */
  static final String STRAY = "vap-stray";

  private static final AtomicInteger PROBES = new AtomicInteger();

  @BeforeAll
  static void install(KubeControlPlane cluster, KubernetesClient client) throws IOException {
    cluster.applyCrds(Path.of("generated"));
    namespace(client, ACME, "acme");
    namespace(client, HOBBY, "hobby");
    namespace(client, STRAY, null);
    applyPolicy(client);
    awaitPolicyEnforced(client);
  }

  /** Applies the policy and its binding as the Helm chart does, for every test class of this JVM. */
  static void applyPolicy(KubernetesClient client) throws IOException {
    try (InputStream in = Files.newInputStream(POLICY)) {
      List<HasMetadata> items = client.load(in).items();
      assertThat(items).extracting(HasMetadata::getKind)
          .containsExactly("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
      for (HasMetadata item : items) {
        client.resource(item).createOr(existing -> existing.update());
      }
    }
  }

  /** The API server enforces a new policy once its informer saw it: probe until a mismatch is refused. */
  static void awaitPolicyEnforced(KubernetesClient client) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (true) {
      Build probe = build(STRAY, "probe-" + PROBES.incrementAndGet(), "acme");
      try {
        client.resource(probe).create();
        client.resource(probe).delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403 || e.getCode() == 422) {
          return;
        }
        throw e;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the organization binding policy was not enforced within 120 s");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static void namespace(KubernetesClient client, String name, String organization) {
    var builder = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
    if (organization != null) {
      builder.editMetadata().addToLabels(CircletApi.LABEL_ORGANIZATION, organization).endMetadata();
    }
    var ns = builder.build();
    client.namespaces().resource(ns).createOr(existing -> existing.update());
  }

  @Test
  void aTenantCannotNameAnotherOrganization(KubernetesClient client) {
    assertDenied(client, build(HOBBY, "steal", "acme"), "namespace vap-hobby is bound to organization hobby and may not use acme");
    assertDenied(client, workflow(HOBBY, "steal", "acme"), "may not use acme");
    assertDenied(client, pipeline(HOBBY, "steal", "acme"), "may not use acme");
    assertThat(client.resources(Build.class).inNamespace(HOBBY).withName("steal").get()).isNull();
  }

  @Test
  void anUnboundNamespaceCannotNameAnyOrganization(KubernetesClient client) {
    assertDenied(client, build(STRAY, "any", "acme"), "namespace vap-stray is not bound to any organization");
    assertDenied(client, pipeline(STRAY, "any", "hobby"), "is not bound to any organization");
  }

  @Test
  void aBoundNamespaceUsesItsOwnOrganizationAndCannotRePointIt(KubernetesClient client) {
    Build own = client.resource(build(HOBBY, "own", "hobby")).create();
    assertThat(own.getMetadata().getUid()).isNotBlank();
    assertThat(client.resource(workflow(HOBBY, "own", "hobby")).create().getMetadata().getUid()).isNotBlank();
    assertThat(client.resource(pipeline(HOBBY, "own", "hobby")).create().getMetadata().getUid()).isNotBlank();

    Build cancelled = client.resources(Build.class).inNamespace(HOBBY).withName("own").edit(b -> {
      b.getSpec().cancel = true;
      return b;
    });
    assertThat(cancelled.getSpec().cancelRequested()).as("an update that keeps the organization").isTrue();

    assertThatThrownBy(() -> client.resources(Build.class).inNamespace(HOBBY).withName("own").edit(b -> {
      b.getSpec().organization = "acme";
      return b;
    })).isInstanceOf(KubernetesClientException.class).hasMessageContaining("may not use acme");
    assertThat(client.resources(Build.class).inNamespace(HOBBY).withName("own").get().getSpec().organization)
        .isEqualTo("hobby");
  }

  private static void assertDenied(KubernetesClient client, HasMetadata object, String message) {
    assertThatThrownBy(() -> client.resource(object).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403))
        .hasMessageContaining("circlet-organization-binding")
        .hasMessageContaining(message);
  }

  static Build build(String ns, String name, String organization) {
    Build b = new Build();
    b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    BuildSpec spec = new BuildSpec();
    spec.organization = organization;
    spec.job = job();
    b.setSpec(spec);
    return b;
  }

  static Workflow workflow(String ns, String name, String organization) {
    Workflow w = new Workflow();
    w.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    w.setSpec(new WorkflowSpec());
    w.getSpec().organization = organization;
    w.getSpec().jobs.add(job());
    return w;
  }

  static Pipeline pipeline(String ns, String name, String organization) {
    Pipeline p = new Pipeline();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    p.setSpec(new PipelineSpec());
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = "https://github.com/" + organization + "/web.git";
    p.getSpec().organization = organization;
    return p;
  }

  private static JobSpec job() {
    JobSpec job = new JobSpec();
    job.name = "build";
    job.executor = Executor.docker("cimg/base:2024.01");
    job.steps.add(Step.run("hello", "echo hello"));
    return job;
  }
}
