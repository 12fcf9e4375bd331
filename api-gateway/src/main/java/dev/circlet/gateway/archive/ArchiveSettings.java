package dev.circlet.gateway.archive;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The archive of Workflows and Builds ({@code circlet.gateway.archive.*}). */
@ConfigMapping(prefix = "circlet.gateway.archive")
public interface ArchiveSettings {
  /** False for a replica that must not watch Workflows and Builds (one archiving replica is enough). */
  @WithDefault("true")
  boolean enabled();

  /** Namespaces to watch; all namespaces when unset. */
  Optional<List<String>> namespaces();

  /** How often every live Workflow and Build is written again (repairs rows missed during an outage). */
  @WithDefault("5m")
  Duration resync();
}
