package dev.circlet.config.orbs;

import java.util.Map;

/**
 * Orb sources kept where the cluster can read them without the registry (in the cluster, the orb
 * ConfigMaps): what is there, and a way to add a release fetched from the registry.
 */
public interface OrbCache {
  /** Every cached release of {@code namespace/name}: exact version → source. */
  Map<String, String> versions(String namespace, String name);

  /** Keeps a fetched release; a failure only costs a fetch next time, so it is not thrown. */
  void save(OrbRegistryClient.Release release);

  /** One sentence telling a user how to add an orb to this cache by hand. */
  String howToVendor(String namespace, String name, String version);
}
