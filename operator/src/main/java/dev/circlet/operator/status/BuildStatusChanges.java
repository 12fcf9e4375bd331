package dev.circlet.operator.status;

import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.Timestamps;
import dev.circlet.operator.pod.PodStatusMapper.PodObservation;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;

/**
 * The transitions of a Build's status, applied in memory to the copy a reconcile computes. Pure:
 * nothing here reads the cluster or writes anything.
 */
public final class BuildStatusChanges {
  public static final String ADMITTED = "Admitted";
  public static final String SCHEDULED = "Scheduled";
  public static final String READY = "Ready";
  public static final String SUCCEEDED = "Succeeded";
  public static final String UNSUPPORTED = "Unsupported";

  private BuildStatusChanges() {}

  /** A new Build enters the queue. */
  public static void queued(BuildStatus s, Long generation, Instant now) {
    if (s.phase == null) {
      s.phase = BuildPhase.Queued;
    }
    if (s.queuedAt == null) {
      s.queuedAt = Timestamps.format(now);
    }
    s.observedGeneration = generation;
  }

  /**
   * The Build waits: {@code Admitted=False} with why. {@code reasonAndMessage} may be the
   * admission queue's {@code Reason: message} form.
   */
  public static void waiting(BuildStatus s, String reasonAndMessage, Long generation, Instant now) {
    int colon = reasonAndMessage.indexOf(": ");
    String reason = colon > 0 ? reasonAndMessage.substring(0, colon) : "Waiting";
    String message = colon > 0 ? reasonAndMessage.substring(colon + 2) : reasonAndMessage;
    waiting(s, reason, message, generation, now);
  }

  public static void waiting(BuildStatus s, String reason, String message, Long generation, Instant now) {
    s.reason = reason;
    s.message = message;
    Conditions.set(s.conditions, ADMITTED, Conditions.FALSE, reason, message, generation, now);
  }

  /** Admission granted a slot and the pod exists. */
  public static void admitted(
      BuildStatus s, String podName, String nodePool, Long generation, Instant now) {
    s.phase = BuildPhase.Admitted;
    if (s.admittedAt == null) {
      s.admittedAt = Timestamps.format(now);
    }
    s.podName = podName;
    s.nodePool = nodePool;
    s.reason = null;
    s.message = null;
    Conditions.set(s.conditions, ADMITTED, Conditions.TRUE, "Admitted", "a build slot was granted", generation, now);
  }

  /** What the pod says, for a Build that is Admitted or Running. */
  public static void observe(BuildStatus s, PodObservation o, Long generation, Instant now) {
    if (o.nodeName() != null) {
      s.nodeName = o.nodeName();
    }
    if (o.scheduled()) {
      Conditions.set(s.conditions, SCHEDULED, Conditions.TRUE, "Scheduled",
          o.nodeName() == null ? "the pod was scheduled" : "the pod runs on " + o.nodeName(), generation, now);
    }
    if (o.phase().isTerminal()) {
      if (s.startedAt == null && o.startedAt() != null) {
        // The pod ran and ended between two observations: its own start time still counts.
        s.startedAt = Timestamps.format(o.startedAt());
      }
      end(s, o.phase(), o.reason(), o.message(), o.exitCode(), o.finishedAt() == null ? now : o.finishedAt(), generation);
      return;
    }
    if (o.phase() == BuildPhase.Running) {
      s.phase = BuildPhase.Running;
      if (s.startedAt == null) {
        s.startedAt = Timestamps.format(o.startedAt() == null ? now : o.startedAt());
      }
      s.reason = null;
      s.message = null;
      Conditions.set(s.conditions, READY, Conditions.TRUE, "Running", "the job is running", generation, now);
    } else {
      s.reason = o.reason();
      s.message = o.message();
      Conditions.set(s.conditions, READY, Conditions.FALSE,
          o.reason() == null ? "PodStarting" : o.reason(),
          o.message() == null ? "the build pod is starting" : o.message(), generation, now);
    }
  }

  /** Since when the pod has been not ready, per the Ready condition. */
  public static Instant notReadySince(BuildStatus s) {
    Condition c = Conditions.find(s.conditions, READY);
    if (c == null || !Conditions.FALSE.equals(c.getStatus())) {
      return null;
    }
    return Timestamps.parse(c.getLastTransitionTime());
  }

  /** The Build ends. */
  public static void end(
      BuildStatus s, BuildPhase phase, String reason, String message, Integer exitCode, Instant at, Long generation) {
    s.phase = phase;
    if (s.finishedAt == null) {
      s.finishedAt = Timestamps.format(at);
    }
    s.reason = reason == null ? phase.name() : reason;
    s.message = message;
    if (exitCode != null) {
      s.exitCode = exitCode;
    }
    s.observedGeneration = generation;
    Conditions.set(s.conditions, READY, Conditions.FALSE, s.reason, message, generation, at);
    Conditions.set(s.conditions, SUCCEEDED,
        phase == BuildPhase.Succeeded ? Conditions.TRUE : Conditions.FALSE, s.reason, message, generation, at);
  }

  /** The Build cannot run on this operator at all. */
  public static void unsupported(BuildStatus s, String message, Long generation, Instant now) {
    Conditions.set(s.conditions, UNSUPPORTED, Conditions.TRUE, "UnsupportedExecutor", message, generation, now);
    end(s, BuildPhase.Failed, "UnsupportedExecutor", message, null, now, generation);
  }
}
