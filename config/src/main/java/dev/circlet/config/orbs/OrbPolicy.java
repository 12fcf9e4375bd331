package dev.circlet.config.orbs;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether the cluster may fetch an orb from the registry: never ({@code off}, the platform team
 * vendors every orb), only for listed orb namespaces ({@code allow-listed}), or always ({@code on}).
 * Orbs already in the cache are used whatever the policy says; the policy only guards the registry.
 */
public record OrbPolicy(Mode mode, Set<String> namespaces) {
  /** The three settings of {@code circlet.orbs.registry.policy}. */
  public enum Mode {
    OFF("off"),
    ALLOW_LISTED("allow-listed"),
    ON("on");

    private final String value;

    Mode(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }
  }

  public OrbPolicy {
    namespaces = Set.copyOf(new TreeSet<>(namespaces));
  }

  /** No registry access: every orb must be vendored. */
  public static OrbPolicy off() {
    return new OrbPolicy(Mode.OFF, Set.of());
  }

  /**
   * Parses the operator's settings.
   *
   * @param mode {@code off}, {@code allow-listed} or {@code on}
   * @param namespaces the orb namespaces {@code allow-listed} lets through (e.g. {@code circleci})
   * @throws IllegalArgumentException naming the accepted values
   */
  public static OrbPolicy parse(String mode, Set<String> namespaces) {
    String m = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT);
    for (Mode candidate : Mode.values()) {
      if (candidate.value.equals(m)) {
        if (candidate == Mode.ALLOW_LISTED && namespaces.isEmpty()) {
          throw new IllegalArgumentException("orb registry policy allow-listed needs at least one orb namespace"
              + " in circlet.orbs.registry.namespaces");
        }
        return new OrbPolicy(candidate, namespaces);
      }
    }
    throw new IllegalArgumentException("orb registry policy \"" + mode + "\" is not one of off, allow-listed, on");
  }

  /** Why the registry may not be asked for an orb of {@code orbNamespace}, or empty when it may. */
  public Optional<String> denial(String orbNamespace) {
    return switch (mode) {
      case ON -> Optional.empty();
      case OFF -> Optional.of("the cluster's orb policy does not fetch orbs from the registry"
          + " (circlet.orbs.registry.policy=off)");
      case ALLOW_LISTED -> namespaces.contains(orbNamespace) ? Optional.empty()
          : Optional.of("the cluster's orb policy fetches only orbs of " + String.join(", ", namespaces)
              + " from the registry, not of " + orbNamespace);
    };
  }
}
