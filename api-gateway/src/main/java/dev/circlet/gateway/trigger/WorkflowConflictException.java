package dev.circlet.gateway.trigger;

/** A Workflow with the derived name exists but belongs to another run: never overwritten. */
public final class WorkflowConflictException extends RuntimeException {
  public WorkflowConflictException(String message) {
    super(message);
  }
}
