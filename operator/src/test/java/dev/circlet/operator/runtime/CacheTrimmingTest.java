package dev.circlet.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.ResourceClassSpec;
import dev.circlet.operator.pod.BuildPodFactory;
import dev.circlet.operator.pod.BuildPodFactory.PodSettings;
import dev.circlet.operator.pod.PodStatusMapper;
import dev.circlet.operator.reconciler.OperatorHarness;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class CacheTrimmingTest {
  private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");
  private static final String T0 = "2026-12-02T07:59:00Z";

  private static Build build(BuildPhase phase) {
    Build b = OperatorHarness.build("ci", "web-1-test-1f3a9c2e", "acme", "medium");
    b.getMetadata().setUid("build-uid");
    b.getMetadata().setLabels(new java.util.HashMap<>(Map.of(CircletApi.LABEL_WORKFLOW, "web-1")));
    b.getMetadata().setOwnerReferences(new ArrayList<>(List.of(new OwnerReferenceBuilder().withKind("Workflow")
        .withName("web-1").withUid("wf-uid").withController(true).build())));
    b.getMetadata().setManagedFields(new ArrayList<>(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").build())));
    b.getSpec().trigger.put("CIRCLE_SHA1", "abc");
    b.getSpec().upstreamJobs = List.of("build");
    b.getSpec().parallelIndex = 1;
    b.getSpec().cancel = true;
    if (phase != null) {
      b.setStatus(new BuildStatus());
      b.getStatus().phase = phase;
      b.getStatus().reason = "Completed";
      b.getStatus().nodeName = "n1";
    }
    return b;
  }

  @ParameterizedTest
  @EnumSource(BuildPhase.class)
  void aBuildLosesItsJobOnlyOnceFinished(BuildPhase phase) {
    Build trimmed = CacheTrimming.build(build(phase));

    assertThat(trimmed.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(trimmed.getMetadata().getOwnerReferences()).hasSize(1);
    assertThat(trimmed.getSpec().organization).isEqualTo("acme");
    assertThat(trimmed.getStatus().phase).isEqualTo(phase);
    assertThat(trimmed.getStatus().nodeName).isEqualTo("n1");
    if (phase.isTerminal()) {
      assertThat(trimmed.getSpec().job).isNull();
      assertThat(trimmed.getSpec().trigger).isNull();
      assertThat(trimmed.getSpec().upstreamJobs).isNull();
    } else {
      assertThat(trimmed.getSpec().job.resourceClass).isEqualTo("medium");
      assertThat(trimmed.getSpec().trigger).containsEntry("CIRCLE_SHA1", "abc");
      assertThat(trimmed.getSpec().upstreamJobs).containsExactly("build");
    }
  }

  @Test
  void aNewBuildWithoutStatusKeepsItsJob() {
    Build trimmed = CacheTrimming.build(build(null));

    assertThat(trimmed.getSpec().job).isNotNull();
    assertThat(trimmed.getMetadata().getManagedFields()).isNullOrEmpty();
  }

  @Test
  void aWorkflowsBuildKeepsOwnershipLabelsCancelAndPhase() {
    Build trimmed = CacheTrimming.workflowBuild(build(BuildPhase.Running));

    assertThat(trimmed.getMetadata().getName()).isEqualTo("web-1-test-1f3a9c2e");
    assertThat(trimmed.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("wf-uid");
    assertThat(trimmed.getMetadata().getLabels()).containsEntry(CircletApi.LABEL_WORKFLOW, "web-1");
    assertThat(trimmed.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(trimmed.getSpec().cancelRequested()).isTrue();
    assertThat(trimmed.getSpec().parallelIndex).isEqualTo(1);
    assertThat(trimmed.getSpec().job).isNull();
    assertThat(trimmed.getSpec().trigger).isNull();
    assertThat(trimmed.getStatus().phase).isEqualTo(BuildPhase.Running);
    assertThat(trimmed.getStatus().reason).isNull();
  }

  private static Pod pod(PodStatus status) {
    ResourceClass rc = new ResourceClass();
    rc.getMetadata().setName("medium");
    rc.setSpec(new ResourceClassSpec());
    rc.getSpec().cpu = "2";
    rc.getSpec().memory = "4Gi";
    Build b = build(BuildPhase.Admitted);
    Pod pod = new BuildPodFactory(new PodSettings("ghcr.io/circlet/runner:0.1.0", "IfNotPresent")).pod(b, rc, null);
    pod.getMetadata().getAnnotations().put("example.com/note", "kept");
    pod.getMetadata().setManagedFields(new ArrayList<>(List.of(new ManagedFieldsEntryBuilder().withManager("circlet").build())));
    pod.getMetadata().setCreationTimestamp(T0);
    pod.getSpec().setNodeName("n1");
    pod.setStatus(status);
    return pod;
  }

  static Stream<Arguments> podStates() {
    var running = new ContainerStatusBuilder().withName(BuildPodFactory.PRIMARY).withNewState().withNewRunning()
        .withStartedAt(T0).endRunning().endState();
    var exited = new ContainerStatusBuilder().withName(BuildPodFactory.PRIMARY).withNewState().withNewTerminated()
        .withExitCode(1).withStartedAt(T0).withFinishedAt(T0).endTerminated().endState();
    return Stream.of(
        Arguments.of("pending", new PodStatusBuilder().withPhase("Pending").build()),
        Arguments.of("primary running", new PodStatusBuilder().withPhase("Running").withContainerStatuses(running.build()).build()),
        Arguments.of("primary failed", new PodStatusBuilder().withPhase("Failed").withContainerStatuses(exited.build()).build()),
        Arguments.of("evicted", new PodStatusBuilder().withPhase("Failed").withReason("Evicted").withMessage("low memory").build()),
        Arguments.of("image pull back-off", new PodStatusBuilder().withPhase("Pending").withContainerStatuses(
            new ContainerStatusBuilder().withName(BuildPodFactory.PRIMARY).withNewState().withNewWaiting()
                .withReason("ImagePullBackOff").endWaiting().endState().build()).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("podStates")
  void aTrimmedPodMeansWhatTheWholePodMeans(String name, PodStatus status) {
    Pod whole = pod(status);
    Pod trimmed = CacheTrimming.pod(pod(status));

    assertThat(new PodStatusMapper().map(trimmed, NOW)).isEqualTo(new PodStatusMapper().map(whole, NOW));
    assertThat(trimmed.getSpec().getNodeName()).isEqualTo("n1");
    assertThat(trimmed.getSpec().getContainers()).isEmpty();
    assertThat(trimmed.getSpec().getVolumes()).isEmpty();
    assertThat(trimmed.getMetadata().getAnnotations()).containsOnly(Map.entry("example.com/note", "kept"));
    assertThat(trimmed.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(trimmed.getMetadata().getOwnerReferences()).isEqualTo(whole.getMetadata().getOwnerReferences());
    assertThat(trimmed.getMetadata().getLabels()).isEqualTo(whole.getMetadata().getLabels());
  }
}
