package dev.circlet.operator.machine;

import java.time.Instant;

/**
 * One VM of a pool as a backend reports it: enough for the pool planner and claims, nothing of
 * the backend's own model.
 *
 * @param claimedBy uid of the Build that holds the VM, or null while it is free
 * @param readyAt when it became ready, or null while it boots
 * @param claimedAt when it was claimed, or null
 * @param claimedBuild {@code namespace/name} of the Build holding it, or null
 */
public record Machine(
    String name,
    String pool,
    String shapeKey,
    State state,
    String claimedBy,
    Instant createdAt,
    Instant readyAt,
    Instant claimedAt,
    String claimedBuild) {

  /** Where a VM is in its single life. */
  public enum State {
    /** Created, not yet ready for a job. */
    BOOTING,
    /** Booted; its agent can take (or runs) a job. */
    READY,
    /** Stopped, failed or being deleted: it never takes a job again. */
    STOPPED
  }

  public boolean claimed() {
    return claimedBy != null;
  }

  /** Free and booted: a Build can take it now. */
  public boolean warm() {
    return !claimed() && state == State.READY;
  }
}
