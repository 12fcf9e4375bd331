package dev.circlet.kubetest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The control plane's child processes: spawns them, records their pids for a watchdog that ends
 * them when the JVM is killed, checks that they are alive and stops them in order.
 */
final class ControlPlaneProcesses {

  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final Path dataDir;
  private final Path logDir;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private Process watchdog;

  ControlPlaneProcesses(Path dataDir, Path logDir) {
    this.dataDir = dataDir;
    this.logDir = logDir;
  }

  /**
   * A small shell process that outlives a killed JVM: once the JVM is gone it kills the recorded
   * child processes and removes the data directory (unless it holds a file {@code keep}).
   * {@link #stop()} ends it first.
   */
  void startWatchdog() throws IOException {
    String dir = dataDir.toString().replace("'", "'\\''");
    String script = "jvm=" + ProcessHandle.current().pid() + "; dir='" + dir + "'\n"
        + "while kill -0 \"$jvm\" 2>/dev/null && [ -d \"$dir\" ]; do sleep 2; done\n"
        + "[ -f \"$dir/pids\" ] && kill -9 $(cat \"$dir/pids\") 2>/dev/null\n"
        + "[ -f \"$dir/keep\" ] || rm -rf \"$dir\"\n";
    watchdog = new ProcessBuilder("sh", "-c", script)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** Starts {@code command} as component {@code name} (log {@code <name>.log}) and records its pid. */
  ManagedProcess spawn(String name, List<String> command) throws IOException {
    ManagedProcess p = ManagedProcess.start(name, command, dataDir, logDir);
    synchronized (processes) {
      processes.add(p);
    }
    Files.writeString(dataDir.resolve("pids"), p.pid() + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return p;
  }

  /** Throws with the log's tail when a component has exited. */
  void assertRunning() {
    synchronized (processes) {
      for (ManagedProcess p : processes) {
        p.checkAlive();
      }
    }
  }

  /** The tail of the log of component {@code name}, or an empty string when there is no such component. */
  String describeLog(String name) {
    return processes.stream().filter(p -> p.name().equals(name)).map(ManagedProcess::describeLog)
        .findFirst().orElse("");
  }

  /**
   * Ends the watchdog, then stops every process (SIGTERM, then SIGKILL after a grace period):
   * clients first, etcd last, so that nothing logs a storm of connection errors.
   */
  void stop() {
    if (watchdog != null) {
      watchdog.destroyForcibly();
    }
    List<ManagedProcess> ps;
    synchronized (processes) {
      ps = new ArrayList<>(processes);
    }
    List<ManagedProcess> etcd = ps.stream().filter(p -> p.name().equals("etcd")).toList();
    List<ManagedProcess> others = ps.stream().filter(p -> !p.name().equals("etcd")).toList();
    others.forEach(ManagedProcess::terminate);
    others.forEach(p -> p.awaitStopped(STOP_GRACE));
    etcd.forEach(ManagedProcess::terminate);
    etcd.forEach(p -> p.awaitStopped(STOP_GRACE));
  }
}
