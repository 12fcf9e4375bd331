package dev.circlet.config.orbs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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

  @Override
  public String howToVendor(String namespace, String name, String version) {
    String file = version.chars().filter(c -> c == '.').count() >= 2 ? version : version + ".0";
    if (file.equals("volatile.0")) {
      file = "<version>";
    }
    String where = dirs.isEmpty() ? "<orb-dir>" : dirs.get(0).toString();
    return "save the orb source (circleci orb source " + namespace + "/" + name + "@" + version + ") as "
        + Path.of(where, namespace, name, file + ".yml");
  }

  static Optional<Path> find(Path orbDir, String version) {
    Path exact = orbDir.resolve(version + ".yml");
    if (Files.isRegularFile(exact)) {
      return Optional.of(exact);
    }
    if (!Files.isDirectory(orbDir)) {
      return Optional.empty();
    }
    List<Path> candidates = new ArrayList<>();
    try (Stream<Path> files = Files.list(orbDir)) {
      files.filter(p -> p.getFileName().toString().endsWith(".yml")).forEach(candidates::add);
    } catch (IOException e) {
      return Optional.empty();
    }
    String prefix = version + ".";
    return candidates.stream()
        .filter(p -> {
          String v = stem(p);
          return version.equals("volatile") || v.startsWith(prefix) && isVersion(v);
        })
        .filter(p -> isVersion(stem(p)))
        .max(Comparator.comparing(p -> stem(p), DirectoryOrbStore::compareVersions));
  }

  private static String stem(Path p) {
    String f = p.getFileName().toString();
    return f.substring(0, f.length() - ".yml".length());
  }

  private static boolean isVersion(String v) {
    return v.matches("\\d+(\\.\\d+)*");
  }

  static int compareVersions(String a, String b) {
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
}
