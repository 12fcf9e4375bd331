package dev.circlet.config.orbs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads vendored orb sources laid out as {@code <dir>/<namespace>/<orb>/<version>.yml}, for example
 * {@code .circleci/orbs/circleci/node/5.1.0.yml}. A version prefix ({@code 5.1}) selects the newest
 * vendored version under it; {@code volatile} selects the newest of all. Directories are searched
 * in order; the first that has a match wins.
 */
public final class DirectoryOrbStore implements OrbStore {
  private final List<Path> dirs;

  public DirectoryOrbStore(List<Path> dirs) {
    this.dirs = List.copyOf(dirs);
  }

  public DirectoryOrbStore(Path dir) {
    this(List.of(dir));
  }

  @Override
  public Optional<String> source(String namespace, String name, String version) {
    for (Path dir : dirs) {
      Optional<Path> file = find(dir.resolve(namespace).resolve(name), version);
      if (file.isPresent()) {
        try {
          return Optional.of(Files.readString(file.get(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Names the command and the file: an exact version is saved as itself; a range ({@code @5},
   * {@code @volatile}) takes the newest release vendored, so the hint asks for a release saved
   * under its own full version, which is what {@link #find} looks for.
   */
  @Override
  public String howToVendor(String namespace, String name, String version) {
    String where = dirs.isEmpty() ? "<orb-dir>" : dirs.get(0).toString();
    String orb = namespace + "/" + name;
    String release = OrbVersions.releasePattern(version);
    Path file = Path.of(where, namespace, name, release + ".yml");
    String save = "circleci orb source " + orb + "@" + release + " > " + file;
    if (!OrbVersions.isRange(version)) {
      return "save its source: " + save;
    }
    String range = version.equals("volatile") ? "the newest release" : "the newest " + release + " release";
    return "@" + version + " takes " + range + " found there, so save a release under its full version: " + save
        + " (" + release + " being a released version, e.g. the newest on "
        + "https://circleci.com/developer/orbs/orb/" + orb + ")";
  }

  static Optional<Path> find(Path orbDir, String version) {
    if (!Files.isDirectory(orbDir)) {
      return Optional.empty();
    }
    List<String> versions = new ArrayList<>();
    try (Stream<Path> files = Files.list(orbDir)) {
      files.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".yml") && Files.isRegularFile(orbDir.resolve(f)))
          .forEach(f -> versions.add(f.substring(0, f.length() - ".yml".length())));
    } catch (IOException e) {
      return Optional.empty();
    }
    return OrbVersions.select(versions, version).map(v -> orbDir.resolve(v + ".yml"));
  }
}
