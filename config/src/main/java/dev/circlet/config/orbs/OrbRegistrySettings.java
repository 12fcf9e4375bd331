package dev.circlet.config.orbs;

import java.net.URI;
import java.time.Duration;

/**
 * Where the operator may fetch registry orbs from, and when ({@code circlet.orbs.registry.*}).
 * The default is off: every orb comes from the ConfigMaps the platform team vendored.
 */
public record OrbRegistrySettings(URI url, OrbPolicy policy, Duration timeout) {
  /** A fetch must leave room in the compile's own 10-second budget. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  public static OrbRegistrySettings off() {
    return new OrbRegistrySettings(OrbRegistryClient.PUBLIC, OrbPolicy.off(), DEFAULT_TIMEOUT);
  }

  /** The client to ask, or null when the policy never asks the registry. */
  public OrbRegistryClient client() {
    return policy.mode() == OrbPolicy.Mode.OFF ? null : new OrbRegistryClient(url, timeout);
  }
}
