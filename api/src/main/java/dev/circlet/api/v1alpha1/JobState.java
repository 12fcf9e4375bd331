package dev.circlet.api.v1alpha1;

/** State of one job inside a Workflow. */
public enum JobState {
  /** Waiting for the jobs it requires. */
  Blocked,
  /** An approval job waiting for approval. */
  OnHold,
  /** Its Build exists and has not ended. */
  Running,
  Succeeded,
  Failed,
  Canceled,
  /** Never ran: a job it requires ended in a status its {@code requires} entry does not accept. */
  NotRun;

  public boolean isTerminal() {
    return this == Succeeded || this == Failed || this == Canceled || this == NotRun;
  }
}
