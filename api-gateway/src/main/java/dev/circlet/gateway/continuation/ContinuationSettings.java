package dev.circlet.gateway.continuation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Dynamic configuration settings ({@code circlet.gateway.continuation.*}). */
@ConfigMapping(prefix = "circlet.gateway.continuation")
public interface ContinuationSettings {
  /** How long a setup run accepts its continuation. */
  @WithDefault("6h")
  Duration ttl();
}
