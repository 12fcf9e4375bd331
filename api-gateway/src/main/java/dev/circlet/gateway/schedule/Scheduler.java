package dev.circlet.gateway.schedule;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.config.model.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fires the schedules of every Pipeline. Each pass looks at the latest tick of each schedule at or
 * before now (so after downtime only the last missed tick fires, never a burst), skips ticks older
 * than the schedule itself, and fires a tick only when this process wins its claim in PostgreSQL:
 * several gateway processes may run passes at once and each tick still makes one run.
 */
public final class Scheduler {
  private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());

  private final Supplier<List<Pipeline>> pipelines;
  private final Function<Pipeline, List<Schedule>> workflowSchedules;
  private final ScheduleStore store;
  private final ScheduleFiring firing;
  private final Clock clock;
  private final Duration lease;

  /**
   * @param workflowSchedules the workflow schedules of a Pipeline's config (empty when it has none or
   *     cannot be read)
   * @param lease how long a claimed tick that was never queued stays with the process that claimed it
   */
  public Scheduler(Supplier<List<Pipeline>> pipelines, Function<Pipeline, List<Schedule>> workflowSchedules,
      ScheduleStore store, ScheduleFiring firing, Clock clock, Duration lease) {
    this.pipelines = pipelines;
    this.workflowSchedules = workflowSchedules;
    this.store = store;
    this.firing = firing;
    this.clock = clock;
    this.lease = lease;
  }

  /** One pass over every schedule; returns how many ticks this process fired. */
  public int runOnce() {
    int fired = 0;
    for (Pipeline p : pipelines.get()) {
      List<ScheduleEntry> entries;
      try {
        entries = PipelineSchedules.of(p, workflowSchedules.apply(p), problem -> LOG.warning(problem));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "schedules of " + p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()
            + " could not be read: " + e);
        continue;
      }
      for (ScheduleEntry e : entries) {
        try {
          fired += due(e) ? 1 : 0;
        } catch (RuntimeException ex) {
          LOG.log(Level.WARNING, "schedule " + e.namespace() + "/" + e.pipeline() + "/" + e.key()
              + " did not fire; the next pass tries again: " + ex);
        }
      }
    }
    return fired;
  }

  private boolean due(ScheduleEntry e) {
    Instant now = clock.instant();
    Instant tick = e.cron().latestAtOrBefore(now);
    if (tick == null) {
      return false;
    }
    Instant firstSeen = store.firstSeen(e.namespace(), e.pipeline(), e.key(), e.cron().text(), now);
    if (tick.isBefore(firstSeen)) {
      return false;
    }
    if (!store.claim(e.namespace(), e.pipeline(), e.key(), tick, now, lease)) {
      return false;
    }
    firing.fire(e, tick);
    store.published(e.namespace(), e.pipeline(), e.key(), tick);
    return true;
  }
}
