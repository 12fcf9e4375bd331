package dev.circlet.gateway.orbs;

import dev.circlet.config.orbs.OrbPolicy;
import dev.circlet.config.orbs.OrbRegistrySettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the gateway reads registry orbs from when it compiles a repository's config
 * ({@code circlet.orbs.*}, the same keys and meaning as the operator's).
 */
@ConfigMapping(prefix = "circlet.orbs")
public interface OrbSettings {
  /** Namespace of the orb ConfigMaps (the release namespace in the chart). */
  @WithDefault("circlet-system")
  String namespace();

  Registry registry();

  /** The orb registry and the policy for asking it. */
  interface Registry {
    /** {@code off}, {@code allow-listed} or {@code on}. */
    @WithDefault("off")
    String policy();

    Optional<List<String>> namespaces();

    @WithDefault("https://circleci.com/graphql-unstable")
    URI url();

    @WithDefault("3s")
    Duration timeout();
  }

  /** The registry settings, validated: an unknown policy fails start-up. */
  default OrbRegistrySettings toSettings() {
    Registry r = registry();
    return new OrbRegistrySettings(r.url(), OrbPolicy.parse(r.policy(), Set.copyOf(r.namespaces().orElse(List.of()))),
        r.timeout());
  }
}
