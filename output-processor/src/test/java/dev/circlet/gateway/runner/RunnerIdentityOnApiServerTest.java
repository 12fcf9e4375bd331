package dev.circlet.gateway.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runner identity attacks on a real kube-apiserver: tokens bound to build pods (TokenRequest with
 * a bound pod, as the kubelet asks for a projected volume), checked by TokenReview and matched to
 * the Build that owns the pod. Another Build's token, an expired one, one of a pod in another
 * namespace, one for the API server's own audience, one of a deleted and recreated pod, and one of
 * a pod that claims a Build without being its current pod never open the Build.
 */
@KubeCluster
@Tag("cluster")
class RunnerIdentityOnApiServerTest {
  static final String AUDIENCE = "circlet.dev/runner";
  static final String SA = "runner";

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

  /** A Build whose status names its pod (named after the Build), as the operator writes it. */
  static GenericKubernetesResource build(KubernetesClient c, String ns, String name) {
    GenericKubernetesResource b = new GenericKubernetesResourceBuilder().withApiVersion("ci.circlet.dev/v1alpha1")
        .withKind("Build").withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .addToAdditionalProperties("spec", Map.of("job", Map.of("name", "test"), "organization", "acme", "pipeline", "web"))
        .addToAdditionalProperties("status", Map.of("podName", name))
        .build();
    return c.genericKubernetesResources("ci.circlet.dev/v1alpha1", "Build").inNamespace(ns).resource(b).create();
  }

  static String jobJson(String build) {
    return "{\"build\":\"" + build + "\",\"job\":{\"name\":\"test\"}}";
  }

  static Pod pod(KubernetesClient c, String ns, String name, GenericKubernetesResource owner) {
    PodBuilder p = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .addToAnnotations(CircletApi.ANNOTATION_JOB, jobJson(owner == null ? name : owner.getMetadata().getName()))
        .endMetadata()
        .withNewSpec().withServiceAccountName(SA).withAutomountServiceAccountToken(false)
        .addNewContainer().withName("agent").withImage("circlet/agent").endContainer().endSpec();
    if (owner != null) {
      p.editMetadata().addNewOwnerReference().withApiVersion("ci.circlet.dev/v1alpha1").withKind("Build")
          .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).withController(true)
          .endOwnerReference().endMetadata();
    }
    return c.pods().inNamespace(ns).resource(p.build()).create();
  }

  /** What the kubelet asks for a projected serviceAccountToken volume: a token bound to the pod. */
  static String token(KubernetesClient c, String ns, Pod pod, String audience) {
    var spec = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L)
        .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
        .withUid(pod.getMetadata().getUid()).endBoundObjectRef();
    if (audience != null) {
      spec.withAudiences(audience);
    }
    return c.serviceAccounts().inNamespace(ns).withName(SA).tokenRequest(spec.endSpec().build()).getStatus().getToken();
  }

  static void namespace(KubernetesClient c, String ns) {
    c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    c.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName(SA)
        .endMetadata().build()).serverSideApply();
  }

  static Metadata bearer(String token) {
    Metadata m = new Metadata();
    m.put(RunnerAuthenticator.AUTHORIZATION, "Bearer " + token);
    return m;
  }

  static Status.Code code(KubernetesRunnerAuthenticator auth, String token) {
    try {
      auth.authenticate(bearer(token));
      return Status.Code.OK;
    } catch (StatusException e) {
      return e.getStatus().getCode();
    }
  }

  /** An authenticator that asks the API server on every call, so each case sees the cluster as it is now. */
  static KubernetesRunnerAuthenticator uncached(KubernetesClient c) {
    return new KubernetesRunnerAuthenticator(c, AUDIENCE, Duration.ZERO);
  }

  @Test
  void aBoundTokenProvesItsPodsBuildAndNoOther(KubernetesClient c) throws Exception {
    buildCrd(c);
    namespace(c, "ident-a");
    namespace(c, "ident-other");
    GenericKubernetesResource a = build(c, "ident-a", "build-a");
    GenericKubernetesResource b = build(c, "ident-a", "build-b");
    Pod podA = pod(c, "ident-a", "build-a", a);
    Pod podB = pod(c, "ident-a", "build-b", b);
    KubernetesRunnerAuthenticator auth = new KubernetesRunnerAuthenticator(c, AUDIENCE, Duration.ofSeconds(30));

    RunnerIdentity idA = auth.authenticate(bearer(token(c, "ident-a", podA, AUDIENCE)));
    assertThat(idA.namespace()).isEqualTo("ident-a");
    assertThat(idA.build()).isEqualTo("build-a");
    assertThat(idA.storageScope()).isEqualTo("orgs/acme/projects/ident-a/web");
    assertThat(idA.jobJson()).as("job.json is the pod's annotation").isEqualTo(jobJson("build-a"));

    // Another Build's token proves that Build, never this one: a runner cannot name the Build it acts on.
    assertThat(auth.authenticate(bearer(token(c, "ident-a", podB, AUDIENCE))).build()).isEqualTo("build-b");
    // Garbage, and a token for an audience that is not Circlet's.
    assertThat(code(auth, "not-a-token")).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(auth, token(c, "ident-a", podA, "other-audience"))).isEqualTo(Status.Code.UNAUTHENTICATED);
    // The API server's default audience (no audience requested): a token usable against the API is no runner identity.
    assertThat(code(auth, token(c, "ident-a", podA, null))).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aPodOfAnotherNamespaceNeverOpensABuildHere(KubernetesClient c) throws Exception {
    buildCrd(c);
    namespace(c, "ident-home");
    namespace(c, "ident-foreign");
    pod(c, "ident-home", "victim", build(c, "ident-home", "victim"));
    // A Build and pod of the same name in another namespace, and a pod there that runs no Build.
    Pod twin = pod(c, "ident-foreign", "victim", build(c, "ident-foreign", "victim"));
    Pod stray = pod(c, "ident-foreign", "stray", null);
    KubernetesRunnerAuthenticator auth = uncached(c);
    RunnerIdentity id = auth.authenticate(bearer(token(c, "ident-foreign", twin, AUDIENCE)));
    assertThat(id.namespace()).as("the identity never crosses namespaces").isEqualTo("ident-foreign");
    assertThat(id.storageScope()).isEqualTo("orgs/acme/projects/ident-foreign/web");
    assertThat(code(auth, token(c, "ident-foreign", stray, AUDIENCE))).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void onlyTheBuildsCurrentPodSpeaksForIt(KubernetesClient c) throws Exception {
    buildCrd(c);
    namespace(c, "ident-cur");
    GenericKubernetesResource build = build(c, "ident-cur", "current");
    pod(c, "ident-cur", "current", build);
    // Anyone who may create pods here can claim the Build by owner reference; the pod is not the Build's.
    Pod extra = pod(c, "ident-cur", "current-extra", build);
    KubernetesRunnerAuthenticator auth = uncached(c);
    assertThat(code(auth, token(c, "ident-cur", extra, AUDIENCE))).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void aDeletedAndRecreatedPodsOldTokenIsDead(KubernetesClient c) throws Exception {
    buildCrd(c);
    namespace(c, "ident-re");
    GenericKubernetesResource build = build(c, "ident-re", "rebuilt");
    Pod first = pod(c, "ident-re", "rebuilt", build);
    String old = token(c, "ident-re", first, AUDIENCE);
    KubernetesRunnerAuthenticator auth = uncached(c);
    assertThat(auth.authenticate(bearer(old)).build()).isEqualTo("rebuilt");

    c.pods().inNamespace("ident-re").withName("rebuilt").withGracePeriod(0).delete();
    c.pods().inNamespace("ident-re").withName("rebuilt").waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
    Pod second = pod(c, "ident-re", "rebuilt", build);
    assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());

    assertThat(code(auth, old)).as("the token of the deleted pod, though a pod of that name runs the Build again")
        .isIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
    assertThat(auth.authenticate(bearer(token(c, "ident-re", second, AUDIENCE))).build()).isEqualTo("rebuilt");
  }

  @Test
  void anExpiredTokenIsRefusedThoughItsSignatureAndPodAreGood(KubernetesClient c, KubeControlPlane cp)
      throws Exception {
    buildCrd(c);
    namespace(c, "ident-exp");
    GenericKubernetesResource build = build(c, "ident-exp", "late");
    Pod pod = pod(c, "ident-exp", "late", build);
    ServiceAccount sa = c.serviceAccounts().inNamespace("ident-exp").withName(SA).get();
    PrivateKey key = signingKey(cp);
    KubernetesRunnerAuthenticator auth = uncached(c);
    Instant now = Instant.now();

    // The TokenRequest API issues no token shorter than ten minutes, so sign one as it would.
    String valid = boundToken(key, sa, pod, now.minusSeconds(60), now.plusSeconds(600));
    assertThat(auth.authenticate(bearer(valid)).build()).as("the hand-signed token is a good one").isEqualTo("late");
    String expired = boundToken(key, sa, pod, now.minusSeconds(3600), now.minusSeconds(600));
    assertThat(code(auth, expired)).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  static PrivateKey signingKey(KubeControlPlane cp) throws Exception {
    String pem = Files.readString(cp.serviceAccountSigningKey());
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }

  /** A ServiceAccount token bound to {@code pod}, with the claims the API server's TokenRequest writes. */
  static String boundToken(PrivateKey key, ServiceAccount sa, Pod pod, Instant issued, Instant expires)
      throws Exception {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", List.of(AUDIENCE));
    claims.put("exp", expires.getEpochSecond());
    claims.put("iat", issued.getEpochSecond());
    claims.put("nbf", issued.getEpochSecond());
    claims.put("iss", KubeControlPlane.SERVICE_ACCOUNT_ISSUER);
    claims.put("sub", "system:serviceaccount:" + sa.getMetadata().getNamespace() + ":" + sa.getMetadata().getName());
    claims.put("kubernetes.io", Map.of(
        "namespace", sa.getMetadata().getNamespace(),
        "pod", Map.of("name", pod.getMetadata().getName(), "uid", pod.getMetadata().getUid()),
        "serviceaccount", Map.of("name", sa.getMetadata().getName(), "uid", sa.getMetadata().getUid())));
    ObjectMapper json = new ObjectMapper();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = b64.encodeToString(json.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT")))
        + "." + b64.encodeToString(json.writeValueAsBytes(claims));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initSign(key);
    rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + b64.encodeToString(rs256.sign());
  }
}
