package dev.circlet.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.Executor;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.Step;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generated CRDs on a real kube-apiserver: installed, enforced, and every example accepted. */
@KubeCluster
class CrdsOnApiServerTest {
  private static final Path EXAMPLES = Path.of("..", "examples", "cluster");
  private static final String NS = "crd-tests";

  @BeforeAll
  static void install(KubeControlPlane cluster, KubernetesClient client) {
    List<String> names = cluster.applyCrds(Path.of("generated"));
    assertThat(names).hasSize(CrdGeneration.RESOURCES.size());
    // The examples are acme's; the organization binding policy may be installed in this cluster.
    OrganizationBindingPolicyOnApiServerTest.namespace(client, NS, "acme");
  }

  @Test
  void everyCrdIsEstablishedWithDescriptions(KubernetesClient client) {
    CustomResourceDefinition crd =
        client.apiextensions().v1().customResourceDefinitions().withName("builds.ci.circlet.dev").get();
    var spec = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    assertThat(spec.getProperties().get("organization").getDescription())
        .isEqualTo("Organization (cluster-scoped) whose capacity this Build uses.");
    assertThat(spec.getRequired()).contains("organization", "job");
  }

  @Test
  void everyExampleIsAccepted(KubernetesClient client) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    int applied = 0;
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        List<HasMetadata> items = client.load(in).items();
        assertThat(items).as(file.toString()).isNotEmpty();
        for (HasMetadata item : items) {
          if (item.getMetadata().getNamespace() != null) {
            item.getMetadata().setNamespace(NS);
          }
          HasMetadata created = client.resource(item).inNamespace(NS).createOr(existing -> existing.update());
          assertThat(created.getMetadata().getUid()).as(file + " " + item.getMetadata().getName()).isNotBlank();
          applied++;
        }
      }
    }
    assertThat(applied).isGreaterThanOrEqualTo(10);
  }

  @Test
  void invalidBuildIsRejectedWithTheServersMessage(KubernetesClient client) {
    Build missingOrg = build("no-org");
    missingOrg.getSpec().organization = null;
    assertThatThrownBy(() -> client.resource(missingOrg).inNamespace(NS).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining("spec.organization: Required value");

    Build badParallelism = build("bad-parallelism");
    badParallelism.getSpec().job.parallelism = 0;
    assertThatThrownBy(() -> client.resource(badParallelism).inNamespace(NS).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.job.parallelism")
        .hasMessageContaining("greater than or equal to 1");
  }

  @Test
  void statusIsASubresource(KubernetesClient client) {
    Build b = build("status-sub");
    b.setStatus(new BuildStatus());
    b.getStatus().phase = BuildPhase.Succeeded;
    Build created = client.resource(b).inNamespace(NS).create();
    assertThat(created.getStatus() == null || created.getStatus().phase == null)
        .as("status written through the main resource is dropped")
        .isTrue();

    created.setStatus(new BuildStatus());
    created.getStatus().phase = BuildPhase.Queued;
    Build patched = client.resource(created).inNamespace(NS).updateStatus();
    assertThat(patched.getStatus().phase).isEqualTo(BuildPhase.Queued);
    assertThat(patched.getMetadata().getGeneration()).isEqualTo(created.getMetadata().getGeneration());
  }

  private static Build build(String name) {
    Build b = new Build();
    b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    BuildSpec spec = new BuildSpec();
    spec.organization = "acme";
    JobSpec job = new JobSpec();
    job.name = "build";
    job.executor = Executor.docker("cimg/base:2024.01");
    job.steps.add(Step.run("hello", "echo hello"));
    spec.job = job;
    b.setSpec(spec);
    return b;
  }
}
