package dev.circlet.api.v1alpha1;

/** Lifecycle of a Build: Queued → Admitted → Running → one of the terminal phases. */
public enum BuildPhase {
  Queued,
  Admitted,
  Running,
  Succeeded,
  Failed,
  Canceled,
  TimedOut;

  public boolean isTerminal() {
    return this == Succeeded || this == Failed || this == Canceled || this == TimedOut;
  }

  /** Whether a Build in this phase holds one of its Organization's concurrency slots. */
  public boolean holdsCapacity() {
    return this == Admitted || this == Running;
  }
}
