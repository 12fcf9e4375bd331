package dev.circlet.cli;

import dev.circlet.config.orbs.OrbRegistryClient;
import dev.circlet.config.orbs.RegistryOrbStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where registry orbs come from when no vendored copy has them: the orb registry (flag, then
 * {@code $CIRCLET_ORB_REGISTRY}, then the public registry) through a local cache directory (flag,
 * then {@code $CIRCLET_ORB_CACHE}, then {@code $XDG_CACHE_HOME/circlet/orbs} or
 * {@code ~/.cache/circlet/orbs}); with {@code --offline} the cache alone.
 */
public final class OrbOptions {
  public static final String ENV_REGISTRY = "CIRCLET_ORB_REGISTRY";
  public static final String ENV_CACHE = "CIRCLET_ORB_CACHE";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Option(names = "--registry", paramLabel = "URL",
      description = "Orb registry GraphQL endpoint (default: $" + ENV_REGISTRY
          + ", else https://circleci.com/graphql-unstable).")
  URI registry;

  @Option(names = "--orb-cache", paramLabel = "DIR",
      description = "Cache of registry orbs (default: $" + ENV_CACHE + ", else ~/.cache/circlet/orbs).")
  Path cache;

  @Option(names = "--offline", description = "Resolve registry orbs from vendored copies and the cache only.")
  boolean offline;

  /** The registry endpoint these options and {@code env} name. */
  public URI registry(Map<String, String> env) {
    if (registry != null) {
      return registry;
    }
    String fromEnv = env.get(ENV_REGISTRY);
    return fromEnv == null || fromEnv.isBlank() ? OrbRegistryClient.PUBLIC : URI.create(fromEnv.strip());
  }

  /** The cache directory these options and {@code env} name. */
  public Path cache(Map<String, String> env) {
    if (cache != null) {
      return cache.toAbsolutePath().normalize();
    }
    String fromEnv = env.get(ENV_CACHE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv.strip()).toAbsolutePath().normalize();
    }
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg.strip())
        : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
    return base.resolve("circlet").resolve("orbs").toAbsolutePath().normalize();
  }

  /** The registry store: the registry through the cache, or the cache alone when offline. */
  public RegistryOrbStore store(Map<String, String> env) {
    OrbRegistryClient client = offline ? null : new OrbRegistryClient(registry(env), TIMEOUT);
    return new RegistryOrbStore(client, cache(env));
  }
}
