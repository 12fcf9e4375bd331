package dev.circlet.gateway.runner;

import static dev.circlet.gateway.runner.RunnerIdentityOnApiServerTest.AUDIENCE;
import static dev.circlet.gateway.runner.RunnerIdentityOnApiServerTest.bearer;
import static dev.circlet.gateway.runner.RunnerIdentityOnApiServerTest.buildCrd;
import static dev.circlet.gateway.runner.RunnerIdentityOnApiServerTest.code;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
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
 * The build identity of a machine-executor VM on a real kube-apiserver: a TokenRequest for the
 * machine ServiceAccount with the runner audience, bound to the VM's per-job identity Secret
 * {@code <vmi>-id-<build uid>}, as the operator issues it. The token proves the Build that holds
 * the VM and no other; it dies with the Secret (the VM's end), a VM held by another Build, a Build
 * that moved to another VM, an expired token and a token of another ServiceAccount are refused.
 */
@KubeCluster
@Tag("cluster")
class MachineIdentityOnApiServerTest {
  static final String VMS = "mident-vms";
  static final String TENANT = "mident-tenant";
  static final String SA = KubernetesRunnerAuthenticator.DEFAULT_MACHINE_ACCOUNT;
  static final ResourceDefinitionContext VMI = new ResourceDefinitionContext.Builder().withGroup("kubevirt.io")
      .withVersion("v1").withKind("VirtualMachineInstance").withPlural("virtualmachineinstances")
      .withNamespaced(true).build();

  static void setUp(KubernetesClient c, KubeControlPlane cp) {
    buildCrd(c);
    cp.applyCrds(repo().resolve("kube-test/kubevirt"));
    for (String ns : List.of(VMS, TENANT)) {
      c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    for (String sa : List.of(SA, "other")) {
      c.serviceAccounts().inNamespace(VMS).resource(new ServiceAccountBuilder().withNewMetadata().withName(sa)
          .endMetadata().build()).serverSideApply();
    }
  }

  static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !p.resolve("kube-test/kubevirt").toFile().isDirectory()) {
      p = p.getParent();
    }
    return p;
  }

  static GenericKubernetesResource build(KubernetesClient c, String name, String vmi) {
    GenericKubernetesResource b = new GenericKubernetesResourceBuilder().withApiVersion("ci.circlet.dev/v1alpha1")
        .withKind("Build").withNewMetadata().withName(name).withNamespace(TENANT).endMetadata()
        .addToAdditionalProperties("spec", Map.of("job", Map.of("name", "test"), "organization", "acme",
            "pipeline", "web"))
        .addToAdditionalProperties("status", Map.of("machineName", vmi))
        .build();
    return c.genericKubernetesResources("ci.circlet.dev/v1alpha1", "Build").inNamespace(TENANT).resource(b).create();
  }

  /** A VMI claimed by {@code build}, as the operator's claim leaves it. */
  static GenericKubernetesResource vmi(KubernetesClient c, String name, GenericKubernetesResource build) {
    GenericKubernetesResource v = new GenericKubernetesResourceBuilder().withApiVersion("kubevirt.io/v1")
        .withKind("VirtualMachineInstance").withNewMetadata().withName(name).withNamespace(VMS)
        .addToLabels("ci.circlet.dev/machine-pool", "p")
        .addToLabels("ci.circlet.dev/claimed-by", build.getMetadata().getUid())
        .addToAnnotations("ci.circlet.dev/claimed-build", TENANT + "/" + build.getMetadata().getName())
        .endMetadata()
        .addToAdditionalProperties("spec", Map.of("domain", Map.of("devices", Map.of())))
        .build();
    return c.genericKubernetesResources(VMI).inNamespace(VMS).resource(v).create();
  }

  static Secret identitySecret(KubernetesClient c, String vmi, GenericKubernetesResource build) {
    return c.secrets().inNamespace(VMS).resource(new SecretBuilder().withNewMetadata()
        .withName(vmi + RunnerIdentityRules.MACHINE_SECRET_INFIX + build.getMetadata().getUid())
        .endMetadata().withType("Opaque").build()).create();
  }

  static String token(KubernetesClient c, String sa, Secret secret) {
    return c.serviceAccounts().inNamespace(VMS).withName(sa).tokenRequest(new TokenRequestBuilder().withNewSpec()
        .withAudiences(AUDIENCE).withExpirationSeconds(3600L).withNewBoundObjectRef().withApiVersion("v1")
        .withKind("Secret").withName(secret.getMetadata().getName()).withUid(secret.getMetadata().getUid())
        .endBoundObjectRef().endSpec().build()).getStatus().getToken();
  }

  static KubernetesRunnerAuthenticator uncached(KubernetesClient c) {
    return new KubernetesRunnerAuthenticator(c, AUDIENCE, SA, Duration.ZERO);
  }

  @Test
  void aVmsTokenProvesTheBuildHoldingTheVmAndDiesWithItsSecret(KubernetesClient c, KubeControlPlane cp)
      throws Exception {
    setUp(c, cp);
    GenericKubernetesResource a = build(c, "vm-build-a", "pool-aaaaa");
    GenericKubernetesResource b = build(c, "vm-build-b", "pool-bbbbb");
    vmi(c, "pool-aaaaa", a);
    vmi(c, "pool-bbbbb", b);
    Secret secretA = identitySecret(c, "pool-aaaaa", a);
    String tokenA = token(c, SA, secretA);
    KubernetesRunnerAuthenticator auth = uncached(c);

    RunnerIdentity id = auth.authenticate(bearer(tokenA));
    assertThat(id.namespace()).isEqualTo(TENANT);
    assertThat(id.build()).isEqualTo("vm-build-a");
    assertThat(id.storageScope()).isEqualTo("orgs/acme/projects/" + TENANT + "/web");
    assertThat(auth.authenticate(bearer(token(c, SA, identitySecret(c, "pool-bbbbb", b)))).build())
        .as("B's VM token proves B, never A").isEqualTo("vm-build-b");

    // A token bound to a Secret that names A's VM but B's uid: the VM is not held by B.
    assertThat(code(auth, token(c, SA, identitySecret(c, "pool-aaaaa", b)))).isEqualTo(Status.Code.PERMISSION_DENIED);
    // The same binding for another ServiceAccount (no pod, not the machine account).
    assertThat(code(auth, token(c, "other", secretA))).isEqualTo(Status.Code.PERMISSION_DENIED);
    // An authenticator that accepts pod tokens only.
    assertThat(code(new KubernetesRunnerAuthenticator(c, AUDIENCE, "", Duration.ZERO), tokenA))
        .isEqualTo(Status.Code.PERMISSION_DENIED);

    // The Build moved on to another VM (a retry after a boot failure): the old VM's token is refused.
    GenericKubernetesResource moved = build(c, "vm-build-moved", "pool-newer");
    vmi(c, "pool-older", moved);
    assertThat(code(auth, token(c, SA, identitySecret(c, "pool-older", moved)))).isEqualTo(Status.Code.PERMISSION_DENIED);

    // The VM's end: its identity Secret is deleted, and the API server no longer accepts the token.
    c.secrets().inNamespace(VMS).resource(secretA).delete();
    c.secrets().inNamespace(VMS).withName(secretA.getMetadata().getName())
        .waitUntilCondition(s -> s == null, 60, TimeUnit.SECONDS);
    // The API server checks the bound Secret through its informer: wait for it to see the deletion.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (code(auth, tokenA) != Status.Code.UNAUTHENTICATED && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(code(auth, tokenA)).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aDeletedVmsTokenIsRefusedEvenWhileItsSecretLingers(KubernetesClient c, KubeControlPlane cp) throws Exception {
    setUp(c, cp);
    GenericKubernetesResource build = build(c, "vm-build-gone", "pool-goner");
    vmi(c, "pool-goner", build);
    String token = token(c, SA, identitySecret(c, "pool-goner", build));
    KubernetesRunnerAuthenticator auth = uncached(c);
    assertThat(auth.authenticate(bearer(token)).build()).isEqualTo("vm-build-gone");
    c.genericKubernetesResources(VMI).inNamespace(VMS).withName("pool-goner").delete();
    c.genericKubernetesResources(VMI).inNamespace(VMS).withName("pool-goner")
        .waitUntilCondition(v -> v == null, 60, TimeUnit.SECONDS);
    assertThat(code(auth, token)).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anExpiredVmTokenIsRefused(KubernetesClient c, KubeControlPlane cp) throws Exception {
    setUp(c, cp);
    GenericKubernetesResource build = build(c, "vm-build-late", "pool-later");
    vmi(c, "pool-later", build);
    Secret secret = identitySecret(c, "pool-later", build);
    ServiceAccount sa = c.serviceAccounts().inNamespace(VMS).withName(SA).get();
    PrivateKey key = RunnerIdentityOnApiServerTest.signingKey(cp);
    KubernetesRunnerAuthenticator auth = uncached(c);
    Instant now = Instant.now();
    // The TokenRequest API issues no token shorter than ten minutes, so sign them as it would.
    assertThat(auth.authenticate(bearer(secretToken(key, sa, secret, now.minusSeconds(60), now.plusSeconds(600))))
        .build()).as("the hand-signed token is a good one").isEqualTo("vm-build-late");
    assertThat(code(auth, secretToken(key, sa, secret, now.minusSeconds(3600), now.minusSeconds(600))))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  /** A token bound to {@code secret}, with the claims the API server's TokenRequest writes. */
  static String secretToken(PrivateKey key, ServiceAccount sa, Secret secret, Instant issued, Instant expires)
      throws Exception {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", List.of(AUDIENCE));
    claims.put("exp", expires.getEpochSecond());
    claims.put("iat", issued.getEpochSecond());
    claims.put("nbf", issued.getEpochSecond());
    claims.put("iss", KubeControlPlane.SERVICE_ACCOUNT_ISSUER);
    claims.put("sub", "system:serviceaccount:" + VMS + ":" + sa.getMetadata().getName());
    claims.put("kubernetes.io", Map.of("namespace", VMS,
        "secret", Map.of("name", secret.getMetadata().getName(), "uid", secret.getMetadata().getUid()),
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
