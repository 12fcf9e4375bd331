package dev.circlet.gateway.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.kubetest.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runner identity on a real kube-apiserver: projected ServiceAccount tokens bound to build pods
 * (TokenRequest with a bound pod), checked by TokenReview, and the per-Build Secret token.
 */
@KubeCluster
@Tag("cluster")
class RunnerIdentityOnApiServerTest {

  static void buildCrd(KubernetesClient c) {
    if (c.apiextensions().v1().customResourceDefinitions().withName("builds.ci.circlet.dev").get() != null) {
      return;
    }
    c.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("builds.ci.circlet.dev").endMetadata()
        .withNewSpec().withGroup("ci.circlet.dev").withScope("Namespaced")
        .withNewNames().withKind("Build").withPlural("builds").withSingular("build").endNames()
        .addNewVersion().withName("v1alpha1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema().endVersion().endSpec().build()).create();
    c.apiextensions().v1().customResourceDefinitions().withName("builds.ci.circlet.dev")
        .waitUntilCondition(crd -> crd.getStatus() != null && crd.getStatus().getConditions().stream()
            .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True")), 60, TimeUnit.SECONDS);
  }

  static GenericKubernetesResource build(KubernetesClient c, String ns, String name) {
    GenericKubernetesResource b = new GenericKubernetesResourceBuilder().withApiVersion("ci.circlet.dev/v1alpha1")
        .withKind("Build").withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .addToAdditionalProperties("spec", Map.of("job", Map.of("name", "test"), "organization", "acme", "pipeline", "web"))
        .build();
    return c.genericKubernetesResources("ci.circlet.dev/v1alpha1", "Build").inNamespace(ns).resource(b).create();
  }

  static Pod pod(KubernetesClient c, String ns, String name, GenericKubernetesResource owner) {
    PodBuilder p = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withServiceAccountName("runner").withAutomountServiceAccountToken(false)
        .addNewContainer().withName("agent").withImage("circlet/agent").endContainer().endSpec();
    if (owner != null) {
      p.editMetadata().addNewOwnerReference().withApiVersion("ci.circlet.dev/v1alpha1").withKind("Build")
          .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).withController(true)
          .endOwnerReference().endMetadata();
    }
    return c.pods().inNamespace(ns).resource(p.build()).create();
  }

  static String token(KubernetesClient c, String ns, Pod pod, String audience) {
    return c.serviceAccounts().inNamespace(ns).withName("runner").tokenRequest(new TokenRequestBuilder()
        .withNewSpec().withAudiences(audience).withExpirationSeconds(600L)
        .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
        .withUid(pod.getMetadata().getUid()).endBoundObjectRef().endSpec().build()).getStatus().getToken();
  }

  static void namespace(KubernetesClient c, String ns) {
    c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    c.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName("runner")
        .endMetadata().build()).serverSideApply();
  }

  static Metadata bearer(String token, String build) {
    Metadata m = new Metadata();
    m.put(RunnerAuthenticator.AUTHORIZATION, "Bearer " + token);
    if (build != null) {
      m.put(RunnerAuthenticator.BUILD, build);
    }
    return m;
  }

  static Status.Code code(KubernetesRunnerAuthenticator auth, Metadata m) {
    try {
      auth.authenticate(m);
      return Status.Code.OK;
    } catch (StatusException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void aProjectedTokenNamesItsPodsBuildAndNoOther(KubernetesClient c) throws Exception {
    buildCrd(c);
    namespace(c, "ident-a");
    namespace(c, "ident-other");
    GenericKubernetesResource a = build(c, "ident-a", "build-a");
    GenericKubernetesResource b = build(c, "ident-a", "build-b");
    Pod podA = pod(c, "ident-a", "build-a-pod", a);
    Pod podB = pod(c, "ident-a", "build-b-pod", b);
    Pod stray = pod(c, "ident-other", "stray", null);
    KubernetesRunnerAuthenticator auth = new KubernetesRunnerAuthenticator(c, "circlet");

    RunnerIdentity idA = auth.authenticate(bearer(token(c, "ident-a", podA, "circlet"), null));
    assertThat(idA.namespace()).isEqualTo("ident-a");
    assertThat(idA.build()).isEqualTo("build-a");
    assertThat(idA.storageScope()).isEqualTo("orgs/acme/projects/ident-a/web");
    assertThat(idA.jobJson()).contains("\"storageScope\":\"orgs/acme/projects/ident-a/web\"");
    assertThat(idA.jobJson()).contains("\"build\":\"build-a\"").contains("\"name\":\"test\"");

    // another build's token proves that build, never this one
    assertThat(auth.authenticate(bearer(token(c, "ident-a", podB, "circlet"), null)).build()).isEqualTo("build-b");
    // a token for another audience, garbage, a pod of another namespace that runs no Build
    assertThat(code(auth, bearer(token(c, "ident-a", podA, "other-audience"), null))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(auth, bearer("not-a-token", null))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(auth, bearer(token(c, "ident-other", stray, "circlet"), null))).isEqualTo(Status.Code.PERMISSION_DENIED);

    // a token whose pod is gone is no longer valid (the API server invalidates bound tokens)
    String orphan = token(c, "ident-a", podB, "circlet");
    c.pods().inNamespace("ident-a").withName("build-b-pod").withGracePeriod(0).delete();
    c.pods().inNamespace("ident-a").withName("build-b-pod").waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
    assertThat(code(new KubernetesRunnerAuthenticator(c, "circlet"), bearer(orphan, null)))
        .isIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
  }

  @Test
  void theBuildSecretTokenOnlyOpensItsOwnBuild(KubernetesClient c) throws Exception {
    buildCrd(c);
    namespace(c, "ident-s");
    GenericKubernetesResource a = build(c, "ident-s", "sa");
    build(c, "ident-s", "sb");
    String tokenA = "token-of-build-a";
    c.secrets().inNamespace("ident-s").resource(new SecretBuilder().withNewMetadata().withName("sa-agent")
        .addNewOwnerReference().withApiVersion("ci.circlet.dev/v1alpha1").withKind("Build").withName("sa")
        .withUid(a.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
        .addToData("token", Base64.getEncoder().encodeToString(tokenA.getBytes(StandardCharsets.UTF_8))).build())
        .create();
    KubernetesRunnerAuthenticator auth = new KubernetesRunnerAuthenticator(c, "circlet");
    assertThat(auth.authenticate(bearer(tokenA, "ident-s/sa")).build()).isEqualTo("sa");
    assertThat(code(auth, bearer(tokenA, "ident-s/sb"))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(auth, bearer("wrong", "ident-s/sa"))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(auth, bearer(tokenA, "elsewhere/sa"))).isEqualTo(Status.Code.UNAUTHENTICATED);
  }
}
