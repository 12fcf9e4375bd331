package dev.circlet.operator.reconciler;

import static dev.circlet.operator.reconciler.OperatorHarness.build;
import static dev.circlet.operator.reconciler.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.naming.Names;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Build lifecycle through the real operator on the mock API server in CRUD mode. */
class BuildReconcilerTest {
  static final String NS = "ci";

  KubernetesClient client;
  OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = OperatorHarness.onMockServer();
    client = harness.client();
    harness.resourceClass("medium", ExecutorKind.DOCKER);
    harness.resourceClass("machine.medium", ExecutorKind.MACHINE);
    harness.organization("acme", 5);
    harness.start();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void buildRunsThroughItsPodToSucceeded() {
    harness.create(build(NS, "b1", "acme", "medium"));
    harness.awaitPhase(NS, "b1", BuildPhase.Admitted);
    Build admitted = harness.get(NS, "b1");
    assertThat(admitted.getStatus().queuedAt).isNotNull();
    assertThat(admitted.getStatus().admittedAt).isNotNull();
    assertThat(admitted.getStatus().podName).isEqualTo(Names.pod("b1"));
    assertThat(Conditions.isTrue(admitted.getStatus().conditions, "Admitted")).isTrue();
    // The pod is the Build's only child: job.json rides in its annotation, no Secret is written.
    assertThat(client.pods().inNamespace(NS).withName(Names.pod("b1")).get().getMetadata().getAnnotations())
        .containsKey(CircletApi.ANNOTATION_JOB);
    assertThat(client.secrets().inNamespace(NS).list().getItems())
        .noneMatch(secret -> secret.getMetadata().getName().startsWith("b1"));

    harness.runPod(NS, Names.pod("b1"), "node-1");
    harness.awaitPhase(NS, "b1", BuildPhase.Running);
    assertThat(harness.get(NS, "b1").getStatus().nodeName).isEqualTo("node-1");

    harness.finishPod(NS, Names.pod("b1"), 0);
    harness.awaitPhase(NS, "b1", BuildPhase.Succeeded);
    Build done = harness.get(NS, "b1");
    assertThat(done.getStatus().exitCode).isZero();
    assertThat(done.getStatus().finishedAt).isNotNull();
    eventually().until(() -> client.v1().events().inNamespace(NS).list().getItems().stream()
        .anyMatch(e -> "Succeeded".equals(e.getReason()) && "b1".equals(e.getInvolvedObject().getName())));
  }

  @Test
  void failingPodFailsTheBuild() {
    harness.create(build(NS, "b2", "acme", "medium"));
    harness.awaitPhase(NS, "b2", BuildPhase.Admitted);
    harness.runPod(NS, Names.pod("b2"), "node-1");
    harness.finishPod(NS, Names.pod("b2"), 1);
    harness.awaitPhase(NS, "b2", BuildPhase.Failed);
    assertThat(harness.get(NS, "b2").getStatus().exitCode).isEqualTo(1);
  }

  @Test
  void cancelDeletesThePodAndRecordsCanceled() {
    harness.create(build(NS, "b3", "acme", "medium"));
    harness.awaitPhase(NS, "b3", BuildPhase.Admitted);
    harness.runPod(NS, Names.pod("b3"), "node-1");
    harness.awaitPhase(NS, "b3", BuildPhase.Running);
    client.resources(Build.class).inNamespace(NS).withName("b3").edit(b -> {
      b.getSpec().cancel = true;
      return b;
    });
    harness.awaitPhase(NS, "b3", BuildPhase.Canceled);
    eventually().until(() -> client.pods().inNamespace(NS).withName(Names.pod("b3")).get() == null);
    assertThat(harness.get(NS, "b3").getStatus().reason).isEqualTo("Canceled");
  }

  @Test
  void timeoutDeletesThePodAndRecordsTimedOut() {
    Build b = build(NS, "b4", "acme", "medium");
    // Long enough for the test to see the Build Admitted on a loaded machine.
    b.getSpec().timeoutSeconds = 5L;
    harness.create(b);
    harness.awaitPhase(NS, "b4", BuildPhase.Admitted);
    harness.runPod(NS, Names.pod("b4"), "node-1");
    harness.awaitPhase(NS, "b4", BuildPhase.TimedOut);
    eventually().until(() -> client.pods().inNamespace(NS).withName(Names.pod("b4")).get() == null);
    assertThat(harness.get(NS, "b4").getStatus().message).contains("timeout of 5s");
  }

  @Test
  void unknownResourceClassStaysQueuedWithCondition() {
    harness.create(build(NS, "b5", "acme", "huge"));
    eventually().until(() -> {
      Build b = harness.get(NS, "b5");
      return b.getStatus() != null && Conditions.find(b.getStatus().conditions, "Admitted") != null;
    });
    Build b = harness.get(NS, "b5");
    assertThat(b.getStatus().phase).isEqualTo(BuildPhase.Queued);
    assertThat(Conditions.find(b.getStatus().conditions, "Admitted").getReason()).isEqualTo("UnknownResourceClass");
    assertThat(harness.buildPods(NS)).isEmpty();

    harness.resourceClass("huge", ExecutorKind.DOCKER);
    harness.awaitPhase(NS, "b5", BuildPhase.Admitted);
  }

  @Test
  void contextSecretsAreAwaitedThenMountedIntoTheAgent() {
    Build b = build(NS, "b7", "acme", "medium");
    b.getSpec().job.contexts = List.of("aws-prod");
    harness.create(b);
    eventually().until(() -> {
      Build q = harness.get(NS, "b7");
      return q.getStatus() != null && "ContextNotFound".equals(q.getStatus().reason);
    });
    assertThat(harness.get(NS, "b7").getStatus().message)
        .isEqualTo("context \"aws-prod\" has no Secret labelled ci.circlet.dev/context=aws-prod in namespace ci");
    assertThat(harness.buildPods(NS)).isEmpty();
    assertThat(harness.operator().admission().holding("acme")).as("a waiting context holds no slot").isZero();

    client.resource(new SecretBuilder().withNewMetadata().withNamespace(NS).withName("aws-prod-credentials")
        .addToLabels(CircletApi.LABEL_CONTEXT, "aws-prod").endMetadata()
        .addToStringData("AWS_ACCESS_KEY_ID", "AKIA-TEST").build()).create();
    harness.awaitPhase(NS, "b7", BuildPhase.Admitted);
    Pod pod = client.pods().inNamespace(NS).withName(Names.pod("b7")).get();
    assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo("context-0");
      assertThat(v.getSecret().getSecretName()).isEqualTo("aws-prod-credentials");
    });
  }

  @Test
  void resourceClassNotAllowedByOrganizationStaysQueued() {
    harness.resourceClass("large", ExecutorKind.DOCKER);
    harness.organization("small-co", 5, "medium");
    harness.create(build(NS, "b6", "small-co", "large"));
    eventually().until(() -> {
      Build b = harness.get(NS, "b6");
      return b.getStatus() != null && Conditions.find(b.getStatus().conditions, "Admitted") != null;
    });
    Build b = harness.get(NS, "b6");
    assertThat(b.getStatus().phase).isEqualTo(BuildPhase.Queued);
    assertThat(Conditions.find(b.getStatus().conditions, "Admitted").getReason()).isEqualTo("ResourceClassNotAllowed");
  }

  @Test
  void unknownOrganizationWaitsUntilItExists() {
    harness.create(build(NS, "b7", "nobody", "medium"));
    eventually().until(() -> {
      Build b = harness.get(NS, "b7");
      return b.getStatus() != null && Conditions.find(b.getStatus().conditions, "Admitted") != null;
    });
    assertThat(Conditions.find(harness.get(NS, "b7").getStatus().conditions, "Admitted").getReason())
        .isEqualTo("UnknownOrganization");
    harness.organization("nobody", 1);
    harness.awaitPhase(NS, "b7", BuildPhase.Admitted);
  }

  @Test
  void machineExecutorFailsAsUnsupported() {
    harness.create(build(NS, "b8", "acme", "machine.medium"));
    harness.awaitPhase(NS, "b8", BuildPhase.Failed);
    Build b = harness.get(NS, "b8");
    assertThat(Conditions.isTrue(b.getStatus().conditions, "Unsupported")).isTrue();
    assertThat(b.getStatus().message).contains("machine executor");
    assertThat(harness.buildPods(NS)).isEmpty();
  }

  @Test
  void deletingARunningBuildFreesItsSlot() {
    harness.organization("solo", 1);
    harness.create(build(NS, "s1", "solo", "medium"));
    harness.awaitPhase(NS, "s1", BuildPhase.Admitted);
    harness.create(build(NS, "s2", "solo", "medium"));
    eventually().until(() -> {
      Build b = harness.get(NS, "s2");
      return b.getStatus() != null && Conditions.find(b.getStatus().conditions, "Admitted") != null;
    });
    assertThat(Conditions.find(harness.get(NS, "s2").getStatus().conditions, "Admitted").getReason())
        .isEqualTo("OrganizationAtCapacity");
    client.resources(Build.class).inNamespace(NS).withName("s1").delete();
    harness.awaitPhase(NS, "s2", BuildPhase.Admitted);
    Pod pod = client.pods().inNamespace(NS).withName(Names.pod("s2")).get();
    assertThat(pod).isNotNull();
  }
}
