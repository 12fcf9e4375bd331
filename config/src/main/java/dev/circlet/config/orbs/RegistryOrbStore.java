package dev.circlet.config.orbs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Registry orbs through a local cache laid out like {@link DirectoryOrbStore}
 * ({@code <cache>/<namespace>/<orb>/<version>.yml}). Online, an exact version comes from the cache
 * when it is there, else from the registry (and is cached); a range ({@code 5}, {@code 5.1},
 * {@code volatile}) asks the registry for its newest release. When the registry cannot be reached,
 * or with no client (offline), the cache answers alone. Every reference resolved is recorded with
 * its exact version, so a later compile can ask for that same source.
 */
public final class RegistryOrbStore implements OrbStore {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*", Pattern.CASE_INSENSITIVE);
  private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){0,2}|volatile");

  private final OrbRegistryClient client;
  private final Path cacheDir;
  private final Map<String, String> resolved = new LinkedHashMap<>();
  private String unreachable;

  /** @param client the registry, or null to work offline from the cache alone */
  public RegistryOrbStore(OrbRegistryClient client, Path cacheDir) {
    this.client = client;
    this.cacheDir = cacheDir;
  }

  @Override
  public synchronized Optional<String> source(String namespace, String name, String version) {
    if (!NAME.matcher(namespace).matches() || !NAME.matcher(name).matches() || !VERSION.matcher(version).matches()) {
      // Only released versions are fetched or cached; anything else (dev:..., paths) never reaches a file name.
      return Optional.empty();
    }
    Path orbDir = cacheDir.resolve(namespace).resolve(name);
    boolean range = OrbVersions.isRange(version);
    if (client != null && (range || DirectoryOrbStore.find(orbDir, version).isEmpty())) {
      try {
        Optional<OrbRegistryClient.Release> r = client.fetch(namespace, name, version);
        if (r.isPresent() && VERSION.matcher(r.get().version()).matches()) {
          write(orbDir, r.get());
          resolved.put(namespace + "/" + name + "@" + version, r.get().version());
          return Optional.of(r.get().source());
        }
        if (!range) {
          return Optional.empty();
        }
      } catch (OrbRegistryClient.UnavailableException e) {
        unreachable = e.getMessage();
      }
    }
    Optional<Path> cached = DirectoryOrbStore.find(orbDir, version);
    if (cached.isEmpty()) {
      return Optional.empty();
    }
    String file = cached.get().getFileName().toString();
    resolved.put(namespace + "/" + name + "@" + version, file.substring(0, file.length() - ".yml".length()));
    try {
      return Optional.of(Files.readString(cached.get(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized String howToVendor(String namespace, String name, String version) {
    String ref = namespace + "/" + name + "@" + version;
    if (client == null) {
      return "offline, and the orb cache " + cacheDir + " has no copy of " + ref + " (run once without --offline)";
    }
    if (unreachable != null) {
      return unreachable + ", and the orb cache " + cacheDir + " has no copy of " + ref;
    }
    return "the orb registry " + client.endpoint() + " has no " + ref;
  }

  /** Each reference resolved so far with the exact version that answered it (e.g. circleci/node@5 → 5.1.0). */
  public synchronized Map<String, String> resolved() {
    return Map.copyOf(resolved);
  }

  private void write(Path orbDir, OrbRegistryClient.Release r) {
    try {
      Files.createDirectories(orbDir);
      Path tmp = Files.createTempFile(orbDir, ".fetch-", ".tmp");
      Files.writeString(tmp, r.source(), StandardCharsets.UTF_8);
      // Atomic so that a concurrent reader never sees half an orb.
      Files.move(tmp, orbDir.resolve(r.version() + ".yml"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // A cache that cannot be written costs only a refetch next time.
    }
  }
}
