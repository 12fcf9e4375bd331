package dev.circlet.runner.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where this machine's Docker CLI is, for the steps of a {@code machine:} job run in its shell:
 * the first executable {@code docker} on PATH, else in the places Docker installs it outside PATH
 * (Docker Desktop, Homebrew, a rootless install).
 */
public final class DockerCli {
  private DockerCli() {}

  /** Directories searched after PATH. */
  public static List<Path> wellKnownDirs(String home) {
    List<Path> dirs = new ArrayList<>(List.of(Path.of("/usr/local/bin"), Path.of("/usr/bin"),
        Path.of("/opt/homebrew/bin"), Path.of("/Applications/Docker.app/Contents/Resources/bin")));
    if (home != null && !home.isBlank()) {
      dirs.add(Path.of(home, ".docker", "bin"));
      dirs.add(Path.of(home, "bin"));
    }
    return dirs;
  }

  /** The Docker CLI of this process's PATH and home, if there is one. */
  public static Optional<Path> find() {
    return find(System.getenv("PATH"), wellKnownDirs(System.getProperty("user.home")));
  }

  /**
   * The first executable regular file named {@code docker} in the directories of {@code pathEnv}
   * (empty entries skipped), then in {@code more}.
   */
  public static Optional<Path> find(String pathEnv, List<Path> more) {
    List<Path> dirs = new ArrayList<>();
    if (pathEnv != null) {
      for (String d : pathEnv.split(File.pathSeparator)) {
        if (!d.isBlank()) {
          try {
            dirs.add(Path.of(d));
          } catch (InvalidPathException e) {
            // an entry no shell could use either
          }
        }
      }
    }
    dirs.addAll(more);
    for (Path d : dirs) {
      Path f = d.resolve("docker");
      if (Files.isRegularFile(f) && Files.isExecutable(f)) {
        return Optional.of(f.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /**
   * The notice for a machine job run in this machine's shell.
   *
   * @param cli the Docker CLI found, empty when none
   * @param version its {@code docker --version} line, null when it did not answer
   */
  public static String notice(String machineImage, Optional<Path> cli, String version) {
    String base = "machine executor" + (machineImage == null ? "" : " image " + machineImage)
        + " is not started; the steps run in this machine's shell";
    if (cli.isEmpty()) {
      return base + "; no Docker CLI found (on PATH, /usr/local/bin, /usr/bin, ~/.docker/bin): steps that use docker will fail";
    }
    if (version == null) {
      return base + " with the Docker CLI at " + cli.get() + ", which does not answer docker --version: steps that use docker may fail";
    }
    return base + " with the Docker CLI at " + cli.get() + " (" + version + ")";
  }
}
