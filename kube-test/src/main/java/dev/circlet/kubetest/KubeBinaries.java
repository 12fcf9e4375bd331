package dev.circlet.kubetest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

/**
 * Finds the control plane's binaries: {@code -Dcirclet.kube.bin=DIR} or {@code CIRCLET_KUBE_BIN=DIR}
 * when given, otherwise the directory that {@code hack/kube-binaries.sh} fills (it builds the
 * binaries on its first run and only prints the directory afterwards).
 */
public final class KubeBinaries {

  static final String SCRIPT = "hack/kube-binaries.sh";
  static final List<String> NAMES =
      List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok");

  private KubeBinaries() {}

  /** The directory holding all of {@link #NAMES}, building them first if need be. */
  public static Path ensure() {
    String explicit = Optional.ofNullable(System.getProperty("circlet.kube.bin"))
        .orElse(System.getenv("CIRCLET_KUBE_BIN"));
    if (explicit != null && !explicit.isBlank()) {
      Path dir = Paths.get(explicit);
      checkComplete(dir);
      return dir;
    }
    Path root = repoRoot().orElseThrow(() -> new KubeControlPlaneException(
        "cannot find " + SCRIPT + " in " + Paths.get("").toAbsolutePath()
            + " or any parent; set -Dcirclet.kube.bin or CIRCLET_KUBE_BIN to a directory with "
            + NAMES));
    Path dir = runScript(root);
    checkComplete(dir);
    return dir;
  }

  /** The nearest directory, from the working directory upwards, that contains the script. */
  public static Optional<Path> repoRoot() {
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(SCRIPT))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static Path runScript(Path root) {
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve(SCRIPT).toString(), "--print-bin-dir")
        .directory(root.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      Process p = pb.start();
      String out;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        out = r.lines().reduce("", (a, b) -> b.isBlank() ? a : b);
      }
      int rc = p.waitFor();
      if (rc != 0 || out.isBlank()) {
        throw new KubeControlPlaneException(SCRIPT + " failed with exit code " + rc + " (see its output above)");
      }
      return Paths.get(out.trim());
    } catch (IOException e) {
      throw new KubeControlPlaneException("cannot run " + SCRIPT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubeControlPlaneException("interrupted while running " + SCRIPT, e);
    }
  }

  private static void checkComplete(Path dir) {
    for (String n : NAMES) {
      if (!Files.isExecutable(dir.resolve(n))) {
        throw new KubeControlPlaneException("missing executable " + dir.resolve(n)
            + " (run " + SCRIPT + " to build the control plane's binaries)");
      }
    }
  }
}
