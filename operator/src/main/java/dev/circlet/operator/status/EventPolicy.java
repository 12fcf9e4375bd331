package dev.circlet.operator.status;

import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import java.util.Optional;

/**
 * Which phase changes deserve a Kubernetes Event: only those a person must act on or look into —
 * a Build that failed or timed out, a Workflow that failed. Routine progress (queued, admitted,
 * running, succeeded, canceled on request) is in the resource's status and would only cost an
 * API write per object: at hundreds of Builds per second that is a sixth of the operator's writes.
 */
public final class EventPolicy {
  private EventPolicy() {}

  /** The Event type to record when a Build moves from {@code before} to {@code after}; empty for none. */
  public static Optional<String> forBuild(BuildPhase before, BuildPhase after) {
    if (after == null || after == before) {
      return Optional.empty();
    }
    return after == BuildPhase.Failed || after == BuildPhase.TimedOut
        ? Optional.of(EventRecorder.WARNING) : Optional.empty();
  }

  /** The Event type to record when a Workflow moves from {@code before} to {@code after}; empty for none. */
  public static Optional<String> forWorkflow(WorkflowPhase before, WorkflowPhase after) {
    if (after == null || after == before) {
      return Optional.empty();
    }
    return after == WorkflowPhase.Failed ? Optional.of(EventRecorder.WARNING) : Optional.empty();
  }
}
