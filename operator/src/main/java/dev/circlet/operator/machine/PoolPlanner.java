package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.MachinePoolSpec;
import dev.circlet.api.v1alpha1.MachinePoolStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Decides what a pool needs now: which VMs to remove (failed, idle too long, never booted, leaked
 * by a Build that is gone, surplus after a scale-down) and how many warm VMs to boot. Pure: the
 * caller passes the VMs, the live Builds and the time. Busy VMs are never removed here; their
 * Build releases them.
 */
public final class PoolPlanner {
  /** A claim whose Build is unknown is left alone this long, so a cache that lags is not mistaken for a leak. */
  static final Duration LEAK_GRACE = Duration.ofSeconds(60);

  /** Why a VM goes. */
  public enum Removal {
    STOPPED, BOOT_TIMEOUT, IDLE, LEAKED, SURPLUS
  }

  /** The decision: VMs to remove by name with why, warm VMs to boot, and the pool's status counts. */
  public record Plan(Map<String, Removal> remove, int boot, int warm, int booting, int busy, int failed) {}

  private PoolPlanner() {}

  /**
   * @param liveBuild whether a Build uid belongs to a Build that still runs (not terminal, not gone)
   */
  public static Plan plan(MachinePoolSpec spec, List<Machine> machines, Predicate<String> liveBuild, Instant now) {
    Map<String, Removal> remove = new LinkedHashMap<>();
    Duration bootTimeout = Duration.ofSeconds(spec.bootTimeoutSeconds == null ? 600 : spec.bootTimeoutSeconds);
    Duration idleTtl = Duration.ofSeconds(spec.idleTtlSeconds == null ? 3600 : spec.idleTtlSeconds);
    int warm = 0;
    int booting = 0;
    int busy = 0;
    int failed = 0;
    List<Machine> free = new ArrayList<>();
    for (Machine m : machines) {
      if (m.claimed()) {
        boolean stale = m.claimedAt() == null || !now.isBefore(m.claimedAt().plus(LEAK_GRACE));
        if (stale && !liveBuild.test(m.claimedBy())) {
          remove.put(m.name(), Removal.LEAKED);
        } else if (m.state() == Machine.State.STOPPED) {
          failed++;
        } else {
          busy++;
        }
        continue;
      }
      if (m.state() == Machine.State.STOPPED) {
        remove.put(m.name(), Removal.STOPPED);
        failed++;
      } else if (m.state() == Machine.State.BOOTING && m.createdAt() != null
          && !now.isBefore(m.createdAt().plus(bootTimeout))) {
        remove.put(m.name(), Removal.BOOT_TIMEOUT);
        failed++;
      } else if (m.state() == Machine.State.READY && idleSince(m) != null
          && !now.isBefore(idleSince(m).plus(idleTtl))) {
        remove.put(m.name(), Removal.IDLE);
      } else {
        free.add(m);
      }
    }
    int minWarm = spec.minWarm == null ? 0 : spec.minWarm;
    int max = spec.max == null ? 0 : spec.max;
    // Surplus: free VMs beyond minWarm (a scale-down), and beyond max counting the busy ones.
    int keep = Math.max(0, Math.min(minWarm, max - busy));
    if (free.size() > keep) {
      // Booting ones go first (the least work lost), then the newest warm ones.
      List<Machine> order = new ArrayList<>(free);
      order.sort(Comparator.comparing((Machine m) -> m.state() == Machine.State.READY)
          .thenComparing(Machine::createdAt, Comparator.nullsFirst(Comparator.reverseOrder())));
      for (Machine m : order.subList(0, free.size() - keep)) {
        remove.put(m.name(), Removal.SURPLUS);
      }
      free.removeIf(m -> remove.containsKey(m.name()));
    }
    for (Machine m : free) {
      if (m.state() == Machine.State.READY) {
        warm++;
      } else {
        booting++;
      }
    }
    // Removed VMs still exist until the API server deletes them: they count against max.
    int present = machines.size();
    int boot = Math.max(0, Math.min(minWarm - free.size(), max - present));
    return new Plan(remove, boot, warm, booting + boot, busy, failed);
  }

  /** The pool's status for a plan: counts and the Ready and Exhausted conditions. */
  public static void status(MachinePool pool, Plan plan, MachinePoolStatus s, Instant now) {
    MachinePoolSpec spec = pool.getSpec();
    Long gen = pool.getMetadata().getGeneration();
    s.warm = plan.warm();
    s.booting = plan.booting();
    s.busy = plan.busy();
    s.failed = plan.failed();
    s.observedGeneration = gen;
    int minWarm = spec.minWarm == null ? 0 : spec.minWarm;
    if (plan.warm() >= minWarm) {
      Conditions.set(s.conditions, MachinePool.CONDITION_READY, Conditions.TRUE, "WarmPoolFull",
          plan.warm() + " warm of " + minWarm + " wanted", gen, now);
    } else {
      Conditions.set(s.conditions, MachinePool.CONDITION_READY, Conditions.FALSE, "Refilling",
          plan.warm() + " warm of " + minWarm + " wanted, " + plan.booting() + " booting", gen, now);
    }
    int max = spec.max == null ? 0 : spec.max;
    if (plan.busy() >= max) {
      Conditions.set(s.conditions, MachinePool.CONDITION_EXHAUSTED, Conditions.TRUE, ClaimPlanner.EXHAUSTED,
          ClaimPlanner.exhaustedMessage(pool.getMetadata().getName(), plan.busy(), max), gen, now);
    } else {
      Conditions.set(s.conditions, MachinePool.CONDITION_EXHAUSTED, Conditions.FALSE, "Available",
          plan.busy() + " of " + max + " busy", gen, now);
    }
  }

  private static Instant idleSince(Machine m) {
    return m.readyAt() != null ? m.readyAt() : m.createdAt();
  }
}
