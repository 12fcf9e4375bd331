package dev.circlet.config.orbs;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Picks the vendored version of an orb that a reference asks for, the way the orb registry does:
 * an exact version ({@code 5.1.0}) as written, a prefix ({@code 5}, {@code 5.1}) the newest version
 * under it, {@code volatile} the newest of all.
 */
public final class OrbVersions {
  private OrbVersions() {}

  /** The version of {@code available} that {@code wanted} selects, if any. */
  public static Optional<String> select(Collection<String> available, String wanted) {
    if (available.contains(wanted)) {
      return Optional.of(wanted);
    }
    String prefix = wanted + ".";
    return available.stream()
        .filter(OrbVersions::isVersion)
        .filter(v -> wanted.equals("volatile") || v.startsWith(prefix))
        .max(Comparator.comparing(v -> v, OrbVersions::compare));
  }

  /** Numeric dotted versions only: {@code 5.1.0}, not {@code dev:alpha}. */
  public static boolean isVersion(String v) {
    return v.matches("\\d+(\\.\\d+)*");
  }

  /** Compares dotted versions numerically, a missing part counting as 0. */
  public static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      long p = i < x.length ? Long.parseLong(x[i]) : 0;
      long q = i < y.length ? Long.parseLong(y[i]) : 0;
      if (p != q) {
        return Long.compare(p, q);
      }
    }
    return 0;
  }

  /**
   * Whether a reference names a range of releases rather than one: a prefix ({@code 5},
   * {@code 5.1}) or {@code volatile}. The store answers it with the newest release it holds.
   */
  public static boolean isRange(String version) {
    return version.equals("volatile") || isVersion(version) && version.chars().filter(c -> c == '.').count() < 2;
  }

  /**
   * The full versions a reference accepts, written as a pattern for people: {@code 5.x.y} for
   * {@code 5}, {@code 5.1.x} for {@code 5.1}, {@code X.Y.Z} for {@code volatile}, the version
   * itself when it is exact.
   */
  public static String releasePattern(String version) {
    if (version.equals("volatile")) {
      return "X.Y.Z";
    }
    if (!isRange(version)) {
      return version;
    }
    return version.contains(".") ? version + ".x" : version + ".x.y";
  }

  /** The file or key name a vendored version is stored under: a prefix is shown as {@code 5.1.0}. */
  public static String fullVersion(String version) {
    if (version.equals("volatile")) {
      return "<version>";
    }
    return version.chars().filter(c -> c == '.').count() >= 2 ? version : version + ".0";
  }
}
