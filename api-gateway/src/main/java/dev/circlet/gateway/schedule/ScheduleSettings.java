package dev.circlet.gateway.schedule;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The scheduler's settings ({@code circlet.gateway.schedule.*}). */
@ConfigMapping(prefix = "circlet.gateway.schedule")
public interface ScheduleSettings {
  /** Whether this process runs the scheduler; any number of processes may, each tick still fires once. */
  @WithDefault("true")
  boolean enabled();

  /** How often the schedules are looked at; a tick fires at most this long after its minute. */
  @WithDefault("15s")
  Duration interval();

  /** How long a claimed tick that was never queued stays with the process that claimed it. */
  @WithDefault("60s")
  Duration lease();

  /** How often a config in the repository is read again for its workflow schedules. */
  @WithDefault("5m")
  Duration configRefresh();
}
