package dev.circlet.api.v1alpha1;

/** Lifecycle of a Workflow. */
public enum WorkflowPhase {
  Running,
  OnHold,
  Succeeded,
  Failed,
  Canceled;

  public boolean isTerminal() {
    return this == Succeeded || this == Failed || this == Canceled;
  }
}
