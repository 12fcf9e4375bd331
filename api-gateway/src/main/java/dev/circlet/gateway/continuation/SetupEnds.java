package dev.circlet.gateway.continuation;

import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.gateway.history.DeliveryStore;
import java.util.Arrays;
import java.util.function.BiFunction;

/**
 * Ends a setup run when its setup workflows finish without continuing: the archiver hands every
 * Workflow it sees here; a finished one whose jobs carry a continuation key of a run that still
 * waits, with every other setup workflow of that run finished too, ends the continuation and
 * records the run as {@code ended} with the reason. Ending is conditional on the run still waiting,
 * so a continuation accepted first wins and replicas or resyncs repeating this change nothing.
 */
public final class SetupEnds {
  /** The run's recorded status once its setup workflows finished without continuing. */
  public static final String ENDED = "ended";
  /** Why, as the REST API shows it. */
  public static final String REASON = "the setup workflow finished without continuing, so the pipeline ended";
  /** The job variable of setup jobs, as on CircleCI. */
  static final String KEY_VARIABLE = "CIRCLE_CONTINUATION_KEY";

  private final ContinuationStore continuations;
  private final DeliveryStore runs;
  private final BiFunction<String, String, WorkflowPhase> phases;

  /** @param phases the phase of a Workflow by namespace and name (null when it is gone or has none) */
  public SetupEnds(ContinuationStore continuations, DeliveryStore runs, BiFunction<String, String, WorkflowPhase> phases) {
    this.continuations = continuations;
    this.runs = runs;
    this.phases = phases;
  }

  /** Looks at one Workflow; true when this ended its run. */
  public boolean observe(Workflow wf) {
    WorkflowPhase phase = wf.getStatus() == null ? null : wf.getStatus().phase;
    if (phase == null || !phase.isTerminal() || wf.getSpec() == null || wf.getSpec().jobs == null) {
      return false;
    }
    String key = null;
    for (JobSpec job : wf.getSpec().jobs) {
      if (job.environment != null && job.environment.get(KEY_VARIABLE) != null) {
        key = job.environment.get(KEY_VARIABLE);
        break;
      }
    }
    if (key == null) {
      return false; // not a setup workflow: the common case costs no query
    }
    long runId = ContinuationKeys.runOf(continuations.secret(), key);
    ContinuationStore.Waiting w = runId < 0 ? null : continuations.get(runId);
    String name = wf.getMetadata().getName();
    if (w == null || !"waiting".equals(w.status()) || !Arrays.asList(w.workflows()).contains(name)) {
      return false;
    }
    for (String other : w.workflows()) {
      if (!other.equals(name)) {
        WorkflowPhase p = phases.apply(w.namespace(), other);
        if (p == null || !p.isTerminal()) {
          return false;
        }
      }
    }
    return end(runId);
  }

  /** Ends a waiting run and records why; true when it was still waiting. */
  public boolean end(long runId) {
    if (!continuations.end(runId)) {
      return false;
    }
    runs.endRun(runId, ENDED, REASON);
    return true;
  }
}
