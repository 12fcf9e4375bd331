package dev.circlet.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.operator.pod.PodStatusMapper.PodObservation;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodStatusMapperTest {
  private static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");
  private static final String START = "2026-01-01T00:10:00Z";
  private static final String END = "2026-01-01T00:20:00Z";
  private static final String SUMMARY =
      "{\"outcome\":\"failed\",\"steps\":[{\"n\":\"checkout\",\"s\":\"success\",\"ms\":800,\"x\":0},"
          + "{\"n\":\"npm test\",\"s\":\"failed\",\"ms\":5000,\"x\":2}]}";
  private static final String OK_SUMMARY = "{\"outcome\":\"success\",\"steps\":[]}";

  /** A pod under construction: phase, node, conditions and container states. */
  private static final class P {
    String phase = "Pending";
    String reason;
    String message;
    String node;
    final List<PodCondition> conditions = new ArrayList<>();
    final List<ContainerStatus> inits = new ArrayList<>();
    final List<ContainerStatus> containers = new ArrayList<>();

    P phase(String p) { phase = p; return this; }
    P reason(String r, String m) { reason = r; message = m; return this; }
    P node(String n) {
      node = n;
      return cond("PodScheduled", "True", null, null);
    }
    P cond(String type, String status, String reason, String message) {
      conditions.add(new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message).build());
      return this;
    }
    P waiting(String container, String reason, String message) {
      target(container).add(new ContainerStatusBuilder().withName(container).withImage("img/" + container)
          .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState().build());
      return this;
    }
    P running(String container) {
      target(container).add(new ContainerStatusBuilder().withName(container)
          .withNewState().withNewRunning().withStartedAt(START).endRunning().endState().build());
      return this;
    }
    P ended(String container, int code, String reason, String message) {
      target(container).add(new ContainerStatusBuilder().withName(container)
          .withNewState().withNewTerminated().withExitCode(code).withReason(reason).withMessage(message)
          .withStartedAt(START).withFinishedAt(END).endTerminated().endState().build());
      return this;
    }
    private List<ContainerStatus> target(String container) {
      return container.startsWith("circlet-") ? inits : containers;
    }
    Pod pod() {
      return new PodBuilder().withNewMetadata().withName("b").endMetadata()
          .withNewSpec().withNodeName(node).endSpec()
          .withNewStatus().withPhase(phase).withReason(reason).withMessage(message).withConditions(conditions)
          .withInitContainerStatuses(inits).withContainerStatuses(containers).endStatus().build();
    }
  }

  private static P pod() { return new P(); }

  private static Pod deleting(Pod pod) {
    pod.getMetadata().setDeletionTimestamp(END);
    return pod;
  }

  private static P running() {
    return pod().phase("Running").node("n1").ended("circlet-init", 0, "Completed", null).running("circlet-agent");
  }

  /** Expected: phase, reason, exit code, scheduled, stuck. Null reason means "no reason". */
  record Row(String name, Pod pod, BuildPhase phase, String reason, Integer exit, boolean scheduled, boolean stuck,
      String messagePart) {
    @Override public String toString() { return name; }
  }

  static Stream<Arguments> table() {
    return Stream.of(
        new Row("unschedulable", pod().cond("PodScheduled", "False", "Unschedulable",
                "0/3 nodes are available: 3 Insufficient cpu.").pod(),
            BuildPhase.Admitted, "Unschedulable", null, false, false, "3 Insufficient cpu"),
        new Row("pending, no scheduler verdict yet", pod().pod(),
            BuildPhase.Admitted, "Pending", null, false, false, "scheduler"),
        new Row("scheduled, containers creating", pod().node("n1").waiting("circlet-init", "PodInitializing", null)
                .waiting("primary", "PodInitializing", null).pod(),
            BuildPhase.Admitted, "ContainerCreating", null, true, false, "n1"),
        new Row("primary image pull back-off", pod().node("n1").ended("circlet-init", 0, "Completed", null)
                .running("circlet-agent").waiting("primary", "ImagePullBackOff", "Back-off pulling image \"nope:1\"").pod(),
            BuildPhase.Admitted, "ImagePullBackOff", null, true, true, "Back-off pulling image"),
        new Row("service ErrImagePull reported as ImagePullBackOff", running().running("primary")
                .waiting("postgres", "ErrImagePull", "manifest unknown").pod(),
            BuildPhase.Running, "ImagePullBackOff", null, true, true, "container postgres (img/postgres): manifest unknown"),
        new Row("invalid image name fails at once", pod().node("n1").ended("circlet-init", 0, "Completed", null)
                .waiting("primary", "InvalidImageName", "couldn't parse image name \"UPPER:case\"").pod(),
            BuildPhase.Failed, "InvalidImageName", null, true, false, "couldn't parse"),
        new Row("create container config error", pod().node("n1").ended("circlet-init", 0, "Completed", null)
                .waiting("primary", "CreateContainerConfigError", "secret \"x\" not found").pod(),
            BuildPhase.Admitted, "CreateContainerConfigError", null, true, true, "secret \"x\" not found"),
        new Row("running", running().running("primary").pod(),
            BuildPhase.Running, null, null, true, false, null),
        new Row("agent crash loop", running().pod().toBuilder().editStatus().editMatchingInitContainerStatus(
                    s -> s.getName().equals("circlet-agent")).withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                    .withMessage("back-off 40s").endWaiting().endState().endInitContainerStatus()
                    .addToContainerStatuses(new ContainerStatusBuilder().withName("primary").withNewState().withNewRunning()
                        .withStartedAt(START).endRunning().endState().build()).endStatus().build(),
            BuildPhase.Running, "AgentCrashLoopBackOff", null, true, true, "back-off 40s"),
        new Row("succeeded", running().phase("Succeeded").ended("primary", 0, "Completed", OK_SUMMARY).pod(),
            BuildPhase.Succeeded, "Completed", 0, true, false, null),
        new Row("failed step from the summary", running().phase("Failed").ended("primary", 1, "Error", SUMMARY).pod(),
            BuildPhase.Failed, "StepFailed", 1, true, false, "step \"npm test\" failed (exit 2)"),
        new Row("failed without summary", running().ended("primary", 1, "Error", null).pod(),
            BuildPhase.Failed, "Error", 1, true, false, "exit 1"),
        new Row("shim killed", running().phase("Failed").ended("primary", 143, "Error", null).pod(),
            BuildPhase.Failed, "Error", 143, true, false, "code 143"),
        new Row("OOMKilled", running().phase("Failed").ended("primary", 137, "OOMKilled", null).pod(),
            BuildPhase.Failed, "OOMKilled", 137, true, false, "ran out of memory"),
        new Row("canceled", running().phase("Failed").ended("primary", 130, "Error", "{\"outcome\":\"canceled\"}").pod(),
            BuildPhase.Canceled, "Canceled", 130, true, false, null),
        new Row("timed out", running().phase("Failed").ended("primary", 124, "Error", "{\"outcome\":\"timedout\"}").pod(),
            BuildPhase.TimedOut, "TimedOut", 124, true, false, null),
        new Row("evicted", running().phase("Failed").reason("Evicted",
                "The node was low on resource: ephemeral-storage.").ended("primary", 137, "Error", null).pod(),
            BuildPhase.Failed, "Evicted", 137, true, false, "ephemeral-storage"),
        new Row("active deadline exceeded", running().phase("Failed").reason("DeadlineExceeded",
                "Pod was active on the node longer than the specified deadline").pod(),
            BuildPhase.TimedOut, "DeadlineExceeded", null, true, false, "longer than the specified deadline"),
        new Row("preempted (DisruptionTarget)", running().phase("Failed").ended("primary", 143, "Error", null)
                .cond("DisruptionTarget", "True", "PreemptionByScheduler", "Preempted by a higher priority pod").pod(),
            BuildPhase.Failed, "PreemptionByScheduler", 143, true, false, "Preempted"),
        new Row("node lost", pod().phase("Failed").node("n1").reason("NodeLost", "node n1 which was running pod b is unresponsive").pod(),
            BuildPhase.Failed, "NodeLost", null, true, false, "unresponsive"),
        new Row("node unreachable, pod Unknown", pod().phase("Unknown").node("n1").pod(),
            BuildPhase.Admitted, "NodeUnreachable", null, true, false, null),
        new Row("init container failure", pod().phase("Failed").node("n1")
                .ended("circlet-init", 2, "Error", "cannot write /circlet/bin").pod(),
            BuildPhase.Failed, "InitFailed", 2, true, false, "circlet-init exited with code 2: cannot write /circlet/bin"),
        new Row("success wins over a later eviction", running().phase("Failed").reason("Evicted", "low memory")
                .ended("primary", 0, "Completed", OK_SUMMARY).pod(),
            BuildPhase.Succeeded, "Completed", 0, true, false, null),
        new Row("deleted under the job: the kubelet's SIGTERM is not the job's exit", deleting(
                running().phase("Failed").ended("primary", 143, "Error", null).pod()),
            BuildPhase.Failed, "PodDeleted", 143, true, false, "deleted while the job ran (the primary container ended with exit code 143)"),
        new Row("deleted while still stopping keeps running", deleting(running().running("primary").pod()),
            BuildPhase.Running, null, null, true, false, null),
        new Row("deleted after a step failed keeps the step", deleting(
                running().phase("Failed").ended("primary", 1, "Error", SUMMARY).pod()),
            BuildPhase.Failed, "StepFailed", 1, true, false, "npm test"),
        new Row("deleted after success is a success", deleting(
                running().phase("Succeeded").ended("primary", 0, "Completed", OK_SUMMARY).pod()),
            BuildPhase.Succeeded, "Completed", 0, true, false, "succeeded"),
        new Row("pod gone", null, BuildPhase.Failed, "PodLost", null, false, false, "no longer exists"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void maps(Row row) {
    PodObservation o = new PodStatusMapper().map(row.pod(), NOW);
    assertThat(o.phase()).as("phase").isEqualTo(row.phase());
    assertThat(o.reason()).as("reason").isEqualTo(row.reason());
    assertThat(o.exitCode()).as("exit code").isEqualTo(row.exit());
    assertThat(o.scheduled()).as("scheduled").isEqualTo(row.scheduled());
    assertThat(o.stuck()).as("stuck").isEqualTo(row.stuck());
    if (row.messagePart() != null) {
      assertThat(o.message()).as("message").contains(row.messagePart());
    }
    if (o.phase().isTerminal()) {
      assertThat(o.finishedAt()).as("finishedAt").isNotNull();
    } else {
      assertThat(o.finishedAt()).as("finishedAt").isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void sameInputSameObservation(Row row) {
    assertThat(new PodStatusMapper().map(row.pod(), NOW)).isEqualTo(new PodStatusMapper().map(row.pod(), NOW));
  }

  @org.junit.jupiter.api.Test
  void timesNodeAndSummaryComeFromThePrimary() {
    PodObservation o = new PodStatusMapper().map(
        running().phase("Failed").ended("primary", 1, "Error", SUMMARY).pod(), NOW);
    assertThat(o.nodeName()).isEqualTo("n1");
    assertThat(o.startedAt()).isEqualTo(Instant.parse(START));
    assertThat(o.finishedAt()).isEqualTo(Instant.parse(END));
    assertThat(o.summaryJson()).isEqualTo(SUMMARY);

    PodObservation evicted = new PodStatusMapper().map(
        running().phase("Failed").reason("Evicted", "low memory").pod(), NOW);
    assertThat(evicted.finishedAt()).as("no container finish time: now").isEqualTo(NOW);

    PodObservation live = new PodStatusMapper().map(running().running("primary").pod(), NOW);
    assertThat(live.startedAt()).isEqualTo(Instant.parse(START));
  }
}
