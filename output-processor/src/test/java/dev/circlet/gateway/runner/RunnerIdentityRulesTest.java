package dev.circlet.gateway.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.api.v1alpha1.CircletApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The runner identity's decisions, case by case, and the authenticator's cache, without a cluster. */
class RunnerIdentityRulesTest {
  static final String AUDIENCE = "circlet.dev/runner";
  static final String BUILD_UID = "b-uid-1";
  static final String POD_UID = "p-uid-1";

  static TokenReviewStatus review(boolean ok, List<String> audiences, String user, String podName, String podUid) {
    Map<String, List<String>> extra = new HashMap<>();
    if (podName != null) {
      extra.put(RunnerIdentityRules.POD_NAME, List.of(podName));
    }
    if (podUid != null) {
      extra.put(RunnerIdentityRules.POD_UID, List.of(podUid));
    }
    return new TokenReviewStatusBuilder().withAuthenticated(ok).withAudiences(audiences)
        .withNewUser().withUsername(user).withExtra(extra).endUser().build();
  }

  static TokenReviewStatus good() {
    return review(true, List.of(AUDIENCE), "system:serviceaccount:ci:default", "b1", POD_UID);
  }

  static Pod pod(UnaryOperator<PodBuilder> edit) {
    PodBuilder p = new PodBuilder().withNewMetadata().withName("b1").withNamespace("ci").withUid(POD_UID)
        .addToAnnotations(CircletApi.ANNOTATION_JOB, "{\"build\":\"b1\"}")
        .addNewOwnerReference().withApiVersion(CircletApi.API_VERSION).withKind("Build").withName("b1")
        .withUid(BUILD_UID).withController(true).endOwnerReference().endMetadata();
    return edit.apply(p).build();
  }

  static GenericKubernetesResource build(String uid, String statusPod) {
    GenericKubernetesResourceBuilder b = new GenericKubernetesResourceBuilder().withApiVersion(CircletApi.API_VERSION)
        .withKind("Build").withNewMetadata().withName("b1").withNamespace("ci").withUid(uid).endMetadata()
        .addToAdditionalProperties("spec", Map.of("organization", "acme", "pipeline", "web"));
    if (statusPod != null) {
      b.addToAdditionalProperties("status", Map.of("podName", statusPod));
    }
    return b.build();
  }

  static Status.Code decide(TokenReviewStatus s, Pod pod, GenericKubernetesResource build) {
    try {
      RunnerIdentityRules.BoundPod bound = RunnerIdentityRules.boundPod(s, AUDIENCE);
      RunnerIdentityRules.identity(bound, pod, RunnerIdentityRules.owner(bound, pod), build);
      return Status.Code.OK;
    } catch (StatusException e) {
      return e.getStatus().getCode();
    }
  }

  static List<Arguments> cases() {
    Status.Code ok = Status.Code.OK;
    Status.Code unauth = Status.Code.UNAUTHENTICATED;
    Status.Code denied = Status.Code.PERMISSION_DENIED;
    return List.of(
        Arguments.of("the Build's current pod", good(), pod(p -> p), build(BUILD_UID, "b1"), ok),
        Arguments.of("status not written yet", good(), pod(p -> p), build(BUILD_UID, null), ok),
        Arguments.of("review refused (expired, garbage, pod gone)",
            review(false, List.of(AUDIENCE), "system:serviceaccount:ci:default", "b1", POD_UID), pod(p -> p),
            build(BUILD_UID, "b1"), unauth),
        Arguments.of("the API server's audience",
            review(true, List.of("https://kubernetes.default.svc.cluster.local"), "system:serviceaccount:ci:default",
                "b1", POD_UID), pod(p -> p), build(BUILD_UID, "b1"), unauth),
        Arguments.of("no audience at all", review(true, null, "system:serviceaccount:ci:default", "b1", POD_UID),
            pod(p -> p), build(BUILD_UID, "b1"), unauth),
        Arguments.of("a user, not a ServiceAccount",
            review(true, List.of(AUDIENCE), "alice", "b1", POD_UID), pod(p -> p), build(BUILD_UID, "b1"), denied),
        Arguments.of("a ServiceAccount token bound to no pod",
            review(true, List.of(AUDIENCE), "system:serviceaccount:ci:default", null, null), pod(p -> p),
            build(BUILD_UID, "b1"), denied),
        Arguments.of("the pod is gone", good(), null, build(BUILD_UID, "b1"), denied),
        Arguments.of("the pod was recreated (another uid)", good(), pod(p -> p.editMetadata().withUid("p-uid-2")
            .endMetadata()), build(BUILD_UID, "b1"), denied),
        Arguments.of("a pod of another namespace", good(), pod(p -> p.editMetadata().withNamespace("other")
            .endMetadata()), build(BUILD_UID, "b1"), denied),
        Arguments.of("a pod that runs no Build", good(), pod(p -> p.editMetadata().withOwnerReferences()
            .endMetadata()), build(BUILD_UID, "b1"), denied),
        Arguments.of("an owner reference that is no controller", good(), pod(p -> p.editMetadata()
            .editFirstOwnerReference().withController(false).endOwnerReference().endMetadata()),
            build(BUILD_UID, "b1"), denied),
        Arguments.of("the Build is gone", good(), pod(p -> p), null, denied),
        Arguments.of("the Build was recreated (another uid)", good(), pod(p -> p), build("b-uid-2", "b1"), denied),
        Arguments.of("a pod not named after the Build",
            review(true, List.of(AUDIENCE), "system:serviceaccount:ci:default", "b1-extra", POD_UID),
            pod(p -> p.editMetadata().withName("b1-extra").endMetadata()), build(BUILD_UID, null), denied),
        Arguments.of("the Build's status names another pod", good(), pod(p -> p), build(BUILD_UID, "b1-old"), denied));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, TokenReviewStatus review, Pod pod, GenericKubernetesResource build, Status.Code expected) {
    assertThat(decide(review, pod, build)).isEqualTo(expected);
  }

  @Test
  void theIdentityCarriesThePodsJobJsonAndTheBuildsScope() throws StatusException {
    RunnerIdentityRules.BoundPod bound = RunnerIdentityRules.boundPod(good(), AUDIENCE);
    Pod pod = pod(p -> p);
    RunnerIdentity id = RunnerIdentityRules.identity(bound, pod, RunnerIdentityRules.owner(bound, pod),
        build(BUILD_UID, "b1"));
    assertThat(id).isEqualTo(new RunnerIdentity("ci", "b1", "orgs/acme/projects/ci/web", "{\"build\":\"b1\"}"));
  }

  /** Lookups that count TokenReviews and answer from fixed objects. */
  static final class Fake implements KubernetesRunnerAuthenticator.Lookups {
    final AtomicInteger reviews = new AtomicInteger();
    TokenReviewStatus status = good();

    @Override
    public TokenReviewStatus review(String token, String audience) {
      reviews.incrementAndGet();
      assertThat(audience).isEqualTo(AUDIENCE);
      return status;
    }

    @Override
    public Pod pod(String namespace, String name) {
      return RunnerIdentityRulesTest.pod(p -> p);
    }

    @Override
    public GenericKubernetesResource build(String namespace, String name) {
      return RunnerIdentityRulesTest.build(BUILD_UID, "b1");
    }
  }

  static Metadata bearer(String token) {
    Metadata m = new Metadata();
    m.put(RunnerAuthenticator.AUTHORIZATION, "Bearer " + token);
    return m;
  }

  static String jwtExpiringAt(long epochSeconds) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString("{\"alg\":\"RS256\"}".getBytes()) + "."
        + b.encodeToString(("{\"exp\":" + epochSeconds + "}").getBytes()) + ".sig";
  }

  @Test
  void acceptedTokensAreCachedNeverPastTheirExpiryAndRefusalsAreNot() throws StatusException {
    Fake fake = new Fake();
    AtomicLong now = new AtomicLong(1_000_000_000L);
    KubernetesRunnerAuthenticator auth = new KubernetesRunnerAuthenticator(fake, AUDIENCE, Duration.ofSeconds(30),
        now::get);
    String token = jwtExpiringAt(now.get() / 1000 + 10);
    auth.authenticate(bearer(token));
    auth.authenticate(bearer(token));
    assertThat(fake.reviews).as("the second call is served from the cache").hasValue(1);
    now.addAndGet(11_000);
    auth.authenticate(bearer(token));
    assertThat(fake.reviews).as("the token's exp (10 s) bounds the 30 s cache").hasValue(2);
    String longer = jwtExpiringAt(now.get() / 1000 + 600);
    auth.authenticate(bearer(longer));
    now.addAndGet(31_000);
    auth.authenticate(bearer(longer));
    assertThat(fake.reviews).as("the cache lasts 30 s").hasValue(4);

    fake.status = review(false, null, null, null, null);
    String refused = jwtExpiringAt(now.get() / 1000 + 600);
    assertThatThrownBy(() -> auth.authenticate(bearer(refused))).isInstanceOf(StatusException.class);
    assertThatThrownBy(() -> auth.authenticate(bearer(refused))).isInstanceOf(StatusException.class);
    assertThat(fake.reviews).as("a refusal is asked again, never cached").hasValue(6);
    assertThatThrownBy(() -> auth.authenticate(new Metadata())).isInstanceOf(StatusException.class)
        .satisfies(e -> assertThat(((StatusException) e).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  static String jwt(String claimsJson) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString("{\"alg\":\"RS256\"}".getBytes()) + "." + b.encodeToString(claimsJson.getBytes()) + ".sig";
  }

  static GenericKubernetesResource vmi(String claimedBy, String claimedBuild, boolean deleting) {
    GenericKubernetesResourceBuilder v = new GenericKubernetesResourceBuilder().withApiVersion("kubevirt.io/v1")
        .withKind("VirtualMachineInstance").withNewMetadata().withName("pool-abcde").withNamespace("vms")
        .withDeletionTimestamp(deleting ? "2026-01-01T00:00:00Z" : null).endMetadata();
    if (claimedBy != null) {
      v.editMetadata().addToLabels(RunnerIdentityRules.CLAIMED_BY, claimedBy).endMetadata();
    }
    if (claimedBuild != null) {
      v.editMetadata().addToAnnotations(RunnerIdentityRules.CLAIMED_BUILD, claimedBuild).endMetadata();
    }
    return v.build();
  }

  static GenericKubernetesResource machineBuild(String uid, String machine) {
    GenericKubernetesResourceBuilder b = new GenericKubernetesResourceBuilder().withApiVersion(CircletApi.API_VERSION)
        .withKind("Build").withNewMetadata().withName("b1").withNamespace("ci").withUid(uid).endMetadata()
        .addToAdditionalProperties("spec", Map.of("organization", "acme", "pipeline", "web"));
    if (machine != null) {
      b.addToAdditionalProperties("status", Map.of("machineName", machine));
    }
    return b.build();
  }

  static Status.Code decideMachine(String user, String token, GenericKubernetesResource vmi,
      GenericKubernetesResource build) {
    try {
      Object bound = RunnerIdentityRules.bound(review(true, List.of(AUDIENCE), user, null, null), AUDIENCE,
          "circlet-machine", token);
      RunnerIdentity id = RunnerIdentityRules.machineIdentity((RunnerIdentityRules.BoundMachine) bound, vmi,
          (ns, name) -> "ci".equals(ns) && "b1".equals(name) ? build : null);
      assertThat(id.build()).isEqualTo("b1");
      assertThat(id.namespace()).isEqualTo("ci");
      assertThat(id.storageScope()).isEqualTo("orgs/acme/projects/ci/web");
      return Status.Code.OK;
    } catch (StatusException e) {
      return e.getStatus().getCode();
    }
  }

  static List<Arguments> machineCases() {
    String sa = "system:serviceaccount:vms:circlet-machine";
    String token = jwt("{\"kubernetes.io\":{\"secret\":{\"name\":\"pool-abcde-id-" + BUILD_UID
        + "\",\"uid\":\"s-1\"}}}");
    Status.Code ok = Status.Code.OK;
    Status.Code denied = Status.Code.PERMISSION_DENIED;
    GenericKubernetesResource held = vmi(BUILD_UID, "ci/b1", false);
    return List.of(
        Arguments.of("the VM's token", sa, token, held, machineBuild(BUILD_UID, "pool-abcde"), ok),
        Arguments.of("the Build names no VM yet", sa, token, held, machineBuild(BUILD_UID, null), ok),
        Arguments.of("another ServiceAccount", "system:serviceaccount:vms:other", token, held,
            machineBuild(BUILD_UID, "pool-abcde"), denied),
        Arguments.of("not bound to a Secret", sa, jwt("{}"), held, machineBuild(BUILD_UID, "pool-abcde"), denied),
        Arguments.of("a Secret naming no VM", sa, jwt("{\"kubernetes.io\":{\"secret\":{\"name\":\"x\",\"uid\":\"s\"}}}"),
            held, machineBuild(BUILD_UID, "pool-abcde"), denied),
        Arguments.of("the VM is gone", sa, token, null, machineBuild(BUILD_UID, "pool-abcde"), denied),
        Arguments.of("the VM is being deleted", sa, token, vmi(BUILD_UID, "ci/b1", true),
            machineBuild(BUILD_UID, "pool-abcde"), denied),
        Arguments.of("the VM is free", sa, token, vmi(null, null, false), machineBuild(BUILD_UID, "pool-abcde"), denied),
        Arguments.of("the VM is another Build's", sa, token, vmi("other-uid", "ci/b1", false),
            machineBuild(BUILD_UID, "pool-abcde"), denied),
        Arguments.of("the Build is gone", sa, token, held, null, denied),
        Arguments.of("the Build was recreated", sa, token, held, machineBuild("new-uid", "pool-abcde"), denied),
        Arguments.of("the Build is on another VM now", sa, token, held, machineBuild(BUILD_UID, "pool-fghij"), denied));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("machineCases")
  void machineTokens(String name, String user, String token, GenericKubernetesResource vmi,
      GenericKubernetesResource build, Status.Code expected) {
    assertThat(decideMachine(user, token, vmi, build)).isEqualTo(expected);
  }

  @Test
  void aMachineTokenIsNoIdentityWhereMachinesAreOff() {
    String token = jwt("{\"kubernetes.io\":{\"secret\":{\"name\":\"pool-abcde-id-u\",\"uid\":\"s\"}}}");
    assertThatThrownBy(() -> RunnerIdentityRules.bound(review(true, List.of(AUDIENCE),
        "system:serviceaccount:vms:circlet-machine", null, null), AUDIENCE, null, token))
        .isInstanceOf(StatusException.class).hasMessageContaining("not bound to a pod");
  }
}
