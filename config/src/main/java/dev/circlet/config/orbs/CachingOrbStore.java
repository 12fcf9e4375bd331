package dev.circlet.config.orbs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cluster's orb store for one compile: the cache first, then the registry when the
 * {@link OrbPolicy} allows the orb's namespace, saving what it fetched into the cache. A reference
 * already resolved for this config ({@code pins}: {@code circleci/node@5 → 5.1.0}) compiles against
 * that same exact version, so a later compile of an unchanged config does not drift to a newer
 * release. Every reference it answers is recorded with its exact version ({@link #resolved()}).
 * Not thread-safe: make one per compile.
 */
public final class CachingOrbStore implements OrbStore {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*", Pattern.CASE_INSENSITIVE);
  private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){0,2}|volatile");

  private final OrbCache cache;
  private final OrbRegistryClient registry;
  private final OrbPolicy policy;
  private final Map<String, String> pins;
  private final Map<String, String> resolved = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();

  /**
   * @param registry the registry client, or null when none is configured (same as policy off)
   * @param pins exact versions recorded for this config's references by an earlier compile
   */
  public CachingOrbStore(OrbCache cache, OrbRegistryClient registry, OrbPolicy policy, Map<String, String> pins) {
    this.cache = cache;
    this.registry = registry;
    this.policy = registry == null ? OrbPolicy.off() : policy;
    this.pins = Map.copyOf(pins);
  }

  @Override
  public Optional<String> source(String namespace, String name, String version) {
    String ref = namespace + "/" + name + "@" + version;
    if (!NAME.matcher(namespace).matches() || !NAME.matcher(name).matches() || !VERSION.matcher(version).matches()) {
      return Optional.empty();
    }
    String pinned = pins.get(ref);
    String wanted = pinned != null && OrbVersions.isVersion(pinned) ? pinned : version;
    Map<String, String> cached = cache.versions(namespace, name);
    boolean range = OrbVersions.isRange(wanted);
    Optional<String> denial = policy.denial(namespace);
    // An exact version never changes once released: the cache answers it without the registry.
    // A range asks the registry for its newest release when the policy allows, else the cache.
    if (!range || denial.isPresent()) {
      Optional<String> hit = OrbVersions.select(cached.keySet(), wanted);
      if (hit.isPresent()) {
        resolved.put(ref, hit.get());
        return Optional.of(cached.get(hit.get()));
      }
      if (denial.isPresent()) {
        failures.put(ref, denial.get());
        return Optional.empty();
      }
    }
    try {
      Optional<OrbRegistryClient.Release> release = registry.fetch(namespace, name, wanted);
      if (release.isEmpty() || !OrbVersions.isVersion(release.get().version())) {
        // A private orb the platform team vendored is not in the public registry: the cache answers.
        Optional<String> hit = OrbVersions.select(cached.keySet(), wanted);
        if (hit.isPresent()) {
          resolved.put(ref, hit.get());
          return Optional.of(cached.get(hit.get()));
        }
        failures.put(ref, "the orb registry " + registry.endpoint() + " has no " + namespace + "/" + name + "@" + wanted);
        return Optional.empty();
      }
      if (!cached.containsKey(release.get().version())) {
        cache.save(release.get());
      }
      resolved.put(ref, release.get().version());
      return Optional.of(release.get().source());
    } catch (OrbRegistryClient.UnavailableException e) {
      Optional<String> hit = OrbVersions.select(cached.keySet(), wanted);
      if (hit.isPresent()) {
        resolved.put(ref, hit.get());
        return Optional.of(cached.get(hit.get()));
      }
      failures.put(ref, e.getMessage() + ", and the orb cache has no copy");
      return Optional.empty();
    }
  }

  @Override
  public String howToVendor(String namespace, String name, String version) {
    String why = failures.get(namespace + "/" + name + "@" + version);
    String vendor = cache.howToVendor(namespace, name, version);
    return why == null ? vendor : why + "; or " + vendor;
  }

  /** Each reference answered so far with the exact version that answered it. */
  public Map<String, String> resolved() {
    return Map.copyOf(resolved);
  }
}
