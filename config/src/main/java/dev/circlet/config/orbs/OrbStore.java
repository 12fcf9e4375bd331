package dev.circlet.config.orbs;

import java.util.Optional;

/** Where registry orbs ({@code namespace/name@version}) come from: vendored sources, a ConfigMap, ... */
public interface OrbStore {
  /** The orb's YAML source for a version or version prefix ({@code 5}, {@code 5.1}, {@code 5.1.0}). */
  Optional<String> source(String namespace, String name, String version);

  /** One sentence telling a user how to make a missing orb available. */
  default String howToVendor(String namespace, String name, String version) {
    return "ask the platform team to add " + namespace + "/" + name + "@" + version + " to the orb store";
  }

  /** A store with no orbs. */
  static OrbStore empty() {
    return (ns, name, version) -> Optional.empty();
  }
}
