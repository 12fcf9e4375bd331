package dev.circlet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.Timestamps;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.operator.pod.PodStatusMapper.PodObservation;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BuildStatusChangesTest {
  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  static final Instant T1 = Instant.parse("2026-01-01T10:00:05Z");

  @Test
  void queuedKeepsTheFirstQueueTime() {
    BuildStatus s = new BuildStatus();
    BuildStatusChanges.queued(s, 1L, T0);
    BuildStatusChanges.queued(s, 1L, T1);
    assertThat(s.phase).isEqualTo(BuildPhase.Queued);
    assertThat(s.queuedAt).isEqualTo("2026-01-01T10:00:00Z");
  }

  @Test
  void waitingSplitsTheQueuesReasonFromItsMessage() {
    BuildStatus s = new BuildStatus();
    BuildStatusChanges.waiting(s, "OrganizationAtCapacity: organization \"a\" runs 2 of 2", 3L, T0);
    var c = Conditions.find(s.conditions, BuildStatusChanges.ADMITTED);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("OrganizationAtCapacity");
    assertThat(c.getMessage()).isEqualTo("organization \"a\" runs 2 of 2");
    assertThat(c.getObservedGeneration()).isEqualTo(3L);
    assertThat(s.reason).isEqualTo("OrganizationAtCapacity");
  }

  @Test
  void admittedThenRunningThenSucceeded() {
    BuildStatus s = new BuildStatus();
    BuildStatusChanges.queued(s, 1L, T0);
    BuildStatusChanges.waiting(s, "Waiting: position 1 of 1", 1L, T0);
    BuildStatusChanges.admitted(s, "b1", "pool-a", 1L, T0);
    assertThat(s.phase).isEqualTo(BuildPhase.Admitted);
    assertThat(s.reason).isNull();
    assertThat(Conditions.isTrue(s.conditions, BuildStatusChanges.ADMITTED)).isTrue();

    BuildStatusChanges.observe(s, new PodObservation(BuildPhase.Running, null, null, null, "node-1", true, T1, null, null), 1L, T1);
    assertThat(s.phase).isEqualTo(BuildPhase.Running);
    assertThat(s.startedAt).isEqualTo("2026-01-01T10:00:05Z");
    assertThat(s.nodeName).isEqualTo("node-1");
    assertThat(Conditions.isTrue(s.conditions, BuildStatusChanges.SCHEDULED)).isTrue();
    assertThat(Conditions.isTrue(s.conditions, BuildStatusChanges.READY)).isTrue();

    BuildStatusChanges.observe(s, new PodObservation(BuildPhase.Succeeded, "Completed", "the job succeeded", 0, "node-1", true, T1, T1, null), 1L, T1);
    assertThat(s.phase).isEqualTo(BuildPhase.Succeeded);
    assertThat(s.exitCode).isZero();
    assertThat(s.finishedAt).isEqualTo("2026-01-01T10:00:05Z");
    assertThat(Conditions.isTrue(s.conditions, BuildStatusChanges.SUCCEEDED)).isTrue();
    assertThat(Conditions.isTrue(s.conditions, BuildStatusChanges.READY)).isFalse();
  }

  @Test
  void aPodThatRanAndEndedBetweenObservationsKeepsItsStartTime() {
    BuildStatus s = new BuildStatus();
    BuildStatusChanges.queued(s, 1L, T0);
    BuildStatusChanges.admitted(s, "b", "general", 1L, T0);
    BuildStatusChanges.observe(s, new PodObservation(BuildPhase.Succeeded, "Completed", "the job succeeded", 0, "node-1", true, T1, T1, null), 1L, T1);
    assertThat(s.phase).isEqualTo(BuildPhase.Succeeded);
    assertThat(s.startedAt).isEqualTo(Timestamps.format(T1));
    assertThat(s.finishedAt).isEqualTo(Timestamps.format(T1));
  }

  @Test
  void failureRecordsReasonAndSucceededFalse() {
    BuildStatus s = new BuildStatus();
    BuildStatusChanges.end(s, BuildPhase.TimedOut, "TimedOut", "ran too long", null, T1, 2L);
    assertThat(s.reason).isEqualTo("TimedOut");
    assertThat(Conditions.find(s.conditions, BuildStatusChanges.SUCCEEDED).getStatus()).isEqualTo("False");
  }

  @Test
  void notReadySinceIsTheReadyConditionsTransition() {
    BuildStatus s = new BuildStatus();
    BuildStatusChanges.observe(s, new PodObservation(BuildPhase.Admitted, "ImagePullBackOff", "back-off", null, null, true, null, null, null), 1L, T0);
    BuildStatusChanges.observe(s, new PodObservation(BuildPhase.Admitted, "ImagePullBackOff", "back-off again", null, null, true, null, null, null), 1L, T1);
    assertThat(BuildStatusChanges.notReadySince(s)).isEqualTo(T0);
  }

  @Test
  void unsupportedFailsWithCondition() {
    BuildStatus s = new BuildStatus();
    BuildStatusChanges.unsupported(s, "the machine executor is not supported", 1L, T0);
    assertThat(s.phase).isEqualTo(BuildPhase.Failed);
    assertThat(Conditions.isTrue(s.conditions, BuildStatusChanges.UNSUPPORTED)).isTrue();
  }
}
