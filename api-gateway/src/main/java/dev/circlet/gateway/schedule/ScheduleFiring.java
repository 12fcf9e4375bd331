package dev.circlet.gateway.schedule;

import java.time.Instant;

/** Starts the pipeline run of one schedule's tick; throws when it could not be queued (the tick is retried). */
public interface ScheduleFiring {
  void fire(ScheduleEntry entry, Instant tick);
}
