package dev.circlet.operator.machine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses how a Build gets its VM from what the pool holds: keep the VM it already claimed, take
 * a free one of its shape (booted ones first), boot a new one while the pool is under max, or
 * wait. Pure; the backend makes the choice stick with a conditional write on the API server.
 */
public final class ClaimPlanner {
  /** Reason of a Build waiting for a VM. */
  public static final String EXHAUSTED = "MachinePoolExhausted";

  /** What to do for one Build. */
  public sealed interface Decision {}

  /** The Build already holds this VM (found again after a restart or a lost write). */
  public record Adopt(Machine machine) implements Decision {}

  /** Try these free VMs in order; each try is a conditional write that another claimant may win. */
  public record TakeFree(List<Machine> candidates) implements Decision {}

  /**
   * Boot a new VM for the Build; {@code evict} names a free VM of another shape to remove first
   * to make room under max, or is null.
   */
  public record Boot(String evict) implements Decision {}

  /** The pool has no room: the Build stays queued with this {@code Reason: message}. */
  public record Wait(String reasonAndMessage) implements Decision {}

  private ClaimPlanner() {}

  public static Decision decide(String pool, int max, List<Machine> machines, String buildUid, String shapeKey) {
    for (Machine m : machines) {
      if (buildUid.equals(m.claimedBy()) && m.state() != Machine.State.STOPPED) {
        return new Adopt(m);
      }
    }
    List<Machine> free = new ArrayList<>();
    Machine otherShape = null;
    int busy = 0;
    for (Machine m : machines) {
      if (m.claimed()) {
        busy++;
      } else if (m.state() != Machine.State.STOPPED) {
        if (shapeKey.equals(m.shapeKey())) {
          free.add(m);
        } else if (otherShape == null) {
          otherShape = m;
        }
      }
    }
    if (!free.isEmpty()) {
      // Booted VMs first, oldest first; claimants start at different ones, so concurrent claims
      // mostly do not collide. VMs still booting come after.
      free.sort(Comparator.comparing(Machine::createdAt, Comparator.nullsLast(Comparator.naturalOrder())));
      List<Machine> ready = free.stream().filter(m -> m.state() == Machine.State.READY).toList();
      List<Machine> order = new ArrayList<>();
      if (!ready.isEmpty()) {
        int start = Math.floorMod(buildUid.hashCode(), ready.size());
        order.addAll(ready.subList(start, ready.size()));
        order.addAll(ready.subList(0, start));
      }
      free.stream().filter(m -> m.state() != Machine.State.READY).forEach(order::add);
      return new TakeFree(order);
    }
    if (machines.size() < max) {
      return new Boot(null);
    }
    if (otherShape != null) {
      return new Boot(otherShape.name());
    }
    return new Wait(EXHAUSTED + ": " + exhaustedMessage(pool, busy, max));
  }

  static String exhaustedMessage(String pool, int busy, int max) {
    return "pool \"" + pool + "\" has " + busy + " of " + max + " busy";
  }
}
