package dev.circlet.charts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Helm CLI that hack/helm-binary.sh builds from its Go module (or the one named by
 * {@code -Dcirclet.helm} / {@code $CIRCLET_HELM}) against the chart in charts/circlet.
 */
final class Helm {
  /** The chart, relative to this module (charts/). */
  static final Path CHART = Path.of("circlet").toAbsolutePath();
  /** Every switch of the chart turned on or changed. */
  static final Path FULL_VALUES = CHART.resolve("ci/full-values.yaml");
  static final String RELEASE = "circlet";
  static final String NAMESPACE = "circlet-system";

  /** Exit code and output of one run. */
  record Result(int exitCode, String stdout, String stderr) {
    Result assertOk(String what) {
      if (exitCode != 0) {
        throw new AssertionError(what + " failed with exit code " + exitCode + ":\n" + stderr + "\n" + stdout);
      }
      return this;
    }
  }

  private static volatile Path binary;

  private Helm() {}

  /** {@code helm template} of the chart with the given extra arguments (-f, --set, ...). */
  static Result template(String... args) {
    List<String> all = new ArrayList<>(List.of("template", RELEASE, CHART.toString(), "--namespace", NAMESPACE));
    all.addAll(List.of(args));
    return run(all);
  }

  static Result run(String... args) {
    return run(List.of(args));
  }

  static Result run(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(args);
    return exec(cmd, 120);
  }

  static synchronized Path binary() {
    if (binary != null) {
      return binary;
    }
    String named = System.getProperty("circlet.helm", System.getenv("CIRCLET_HELM"));
    if (named != null && !named.isBlank()) {
      binary = Path.of(named);
    } else {
      Path script = findScript();
      // Builds Helm once (minutes) or, when present, only prints where it is.
      Result r = exec(List.of(script.toString(), "--print-bin-dir"), 3600);
      r.assertOk(script.toString());
      binary = Path.of(r.stdout().strip()).resolve("helm");
    }
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("no executable helm at " + binary);
    }
    return binary;
  }

  private static Path findScript() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path script = dir.resolve("hack/helm-binary.sh");
      if (Files.isExecutable(script)) {
        return script;
      }
    }
    throw new IllegalStateException("hack/helm-binary.sh not found above " + Path.of("").toAbsolutePath()
        + "; set -Dcirclet.helm=/path/to/helm");
  }

  private static Result exec(List<String> cmd, long timeoutSeconds) {
    try {
      Path out = Files.createTempFile("helm", ".out");
      Path err = Files.createTempFile("helm", ".err");
      try {
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + cmd, e);
    }
  }
}
