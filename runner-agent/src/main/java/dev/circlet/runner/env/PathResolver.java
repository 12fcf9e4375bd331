package dev.circlet.runner.env;

import java.nio.file.Path;

/** Resolves the paths a config names ({@code ~/x}, relative, absolute) against HOME and the working directory. */
public record PathResolver(Path home, Path workingDirectory) {
  /** Expands {@code ~} against HOME. */
  public static Path expandHome(String p, Path home) {
    if (p.equals("~")) {
      return home;
    }
    if (p.startsWith("~/")) {
      return home.resolve(p.substring(2));
    }
    return Path.of(p);
  }

  /** A path relative to the working directory unless absolute or under {@code ~}. */
  public Path resolve(String p) {
    if (p == null || p.isBlank()) {
      return workingDirectory;
    }
    Path x = expandHome(p.strip(), home);
    return x.isAbsolute() ? x.normalize() : workingDirectory.resolve(x).normalize();
  }
}
