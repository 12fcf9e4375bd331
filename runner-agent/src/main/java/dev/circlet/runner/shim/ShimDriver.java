package dev.circlet.runner.shim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent's side of the shim protocol: writes a step's files under {@code DIR/steps/<n>/}, hands
 * it to the shim with a {@code run <n>} line on the {@code DIR/ctl} FIFO, and ends the shim with
 * {@code DIR/done} plus a {@code done} line. The shim may run in another container (build pod) or
 * as a child process of this one (local runs).
 */
public final class ShimDriver implements AutoCloseable {
  /** Files the shim needs in {@code DIR/bin}. */
  public static final List<String> TOOLS = List.of("circlet-shim", "circleci", "circleci-agent");

  private final Path dir;
  private OutputStream ctl;
  private Process localShim;

  public ShimDriver(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** {@code circlet-agent install DIR}: copies the shim and the in-job tools to DIR/bin. */
  public static void install(Path dir) throws IOException {
    Path bin = dir.resolve("bin");
    Files.createDirectories(bin);
    for (String t : TOOLS) {
      try (InputStream in = ShimDriver.class.getResourceAsStream("/dev/circlet/runner/shim/" + t)) {
        if (in == null) {
          throw new IOException("resource missing from the agent: " + t);
        }
        Path tmp = bin.resolve(t + ".tmp");
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(tmp, bin.resolve(t), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  /** Local runs: installs the shim and starts it as a child process with this environment. */
  public void startLocal() throws IOException {
    install(dir);
    List<String> cmd = new java.util.ArrayList<>();
    // its own session: Ctrl-C in the terminal reaches only circlet, which then stops the steps
    // through the shim; a shim killed by the same SIGINT would leave the steps running
    for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(setsid))) {
        cmd.add(setsid);
        break;
      }
    }
    cmd.addAll(List.of("/bin/sh", dir.resolve("bin/circlet-shim").toString(), dir.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("shim.log").toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    localShim = pb.start();
  }

  /** Waits for the shim to open its control FIFO. */
  public void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long park = 20_000;
    while (!Files.exists(dir.resolve("shim.ready"))) {
      if (localShim != null && !localShim.isAlive()) {
        throw new IOException("the shim exited early: " + readQuietly(dir.resolve("shim.log")));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the shim did not start within " + timeout.toSeconds() + "s in " + dir);
      }
      LockSupport.parkNanos(park);
      park = Math.min(park * 2, 5_000_000);
    }
    ctl = Files.newOutputStream(dir.resolve("ctl"));
  }

  /** Writes a step's files and starts it. */
  public StepProcess start(int n, String script, String envExports, String cwd, String shell)
      throws IOException {
    Path s = dir.resolve("steps").resolve(Integer.toString(n));
    Files.createDirectories(s);
    Files.writeString(s.resolve("script"), script);
    Files.writeString(s.resolve("env"), envExports);
    Files.writeString(s.resolve("cwd"), cwd == null ? "" : cwd);
    Files.writeString(s.resolve("shell"), shell == null ? "" : shell);
    Files.deleteIfExists(s.resolve("exit"));
    Files.write(s.resolve("out"), new byte[0]);
    send("run " + n);
    return new StepProcess(this, n, s);
  }

  /** Sends a signal to the step's process group (the shim does it: it shares the step's PID namespace). */
  void kill(int n, String signal) throws IOException {
    send("kill " + n + " " + signal);
  }

  private synchronized void send(String line) throws IOException {
    if (ctl == null) {
      throw new IOException("the shim is not ready");
    }
    ctl.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    ctl.flush();
  }

  /** Whether an in-job {@code circleci-agent step halt} was requested; clears the request. */
  public boolean takeHalt() throws IOException {
    return Files.deleteIfExists(dir.resolve("halt"));
  }

  /**
   * Ends the shim: the summary goes to {@code summary.json}, the shim's exit code to {@code done}.
   * The shim copies the summary to /dev/termination-log and exits with that code.
   */
  public void finish(String summaryJson, int exitCode) throws IOException {
    Path tmp = dir.resolve("summary.json.tmp");
    Files.writeString(tmp, summaryJson);
    Files.move(tmp, dir.resolve("summary.json"), StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("done"), Integer.toString(exitCode));
    send("done");
  }

  /** Local runs: waits for the shim process to exit and returns its code. */
  public int awaitLocalExit(Duration timeout) throws InterruptedException {
    if (localShim == null) {
      return -1;
    }
    if (!localShim.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      localShim.destroyForcibly();
      return -1;
    }
    return localShim.exitValue();
  }

  @Override
  public void close() throws IOException {
    if (ctl != null) {
      ctl.close();
      ctl = null;
    }
    if (localShim != null && localShim.isAlive()) {
      localShim.destroy();
    }
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
