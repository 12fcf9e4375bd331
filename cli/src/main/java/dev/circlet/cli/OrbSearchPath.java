package dev.circlet.cli;

import dev.circlet.config.orbs.DirectoryOrbStore;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.config.orbs.OrbStores;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where every circlet command looks for vendored orbs, in order: each {@code --orb-dir}, then
 * {@code orbs/} beside the config ({@code .circleci/orbs}), then each directory of {@code
 * $CIRCLET_ORB_DIR} (separated like PATH). {@code config validate}, {@code config process} and
 * {@code run} all resolve orbs through it.
 */
public final class OrbSearchPath {
  /** The environment variable naming orb store directories. */
  public static final String ENV = "CIRCLET_ORB_DIR";

  private OrbSearchPath() {}

  public static List<Path> dirs(List<Path> explicit, Path configFile, String envValue) {
    List<Path> dirs = new ArrayList<>();
    for (Path d : explicit) {
      dirs.add(d.toAbsolutePath().normalize());
    }
    Path parent = configFile.toAbsolutePath().normalize().getParent();
    if (parent != null) {
      dirs.add(parent.resolve("orbs"));
    }
    if (envValue != null && !envValue.isBlank()) {
      for (String d : envValue.split(File.pathSeparator)) {
        if (!d.isBlank()) {
          dirs.add(Path.of(d.strip()).toAbsolutePath().normalize());
        }
      }
    }
    return List.copyOf(dirs);
  }

  public static DirectoryOrbStore store(List<Path> explicit, Path configFile, String envValue) {
    return new DirectoryOrbStore(dirs(explicit, configFile, envValue));
  }

  /** The vendored directories first, then {@code registry} (the orb registry through its cache). */
  public static OrbStore store(List<Path> explicit, Path configFile, String envValue, OrbStore registry) {
    return OrbStores.firstOf(List.of(store(explicit, configFile, envValue), registry));
  }
}
