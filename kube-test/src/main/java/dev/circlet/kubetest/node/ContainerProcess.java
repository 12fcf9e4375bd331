package dev.circlet.kubetest.node;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One container run as a local process: its own session and process group (through {@code
 * setsid}), output appended to a log file, stopped with its whole process tree.
 */
public final class ContainerProcess {

  private final Process process;
  private final Instant startedAt;

  private ContainerProcess(Process process, Instant startedAt) {
    this.process = process;
    this.startedAt = startedAt;
  }

  /** Starts {@code command} with exactly {@code env} in {@code cwd}; stdout and stderr go to {@code log}. */
  public static ContainerProcess start(List<String> command, Map<String, String> env, Path cwd, Path log)
      throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add("setsid");
    argv.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(argv)
        .directory(cwd.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    return new ContainerProcess(p, Instant.now());
  }

  public long pid() {
    return process.pid();
  }

  public Instant startedAt() {
    return startedAt;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** The exit code once ended, as a shell reports it (128 + signal for a killed process). */
  public Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  /**
   * Sends SIGTERM to the process tree and its process group, waits up to {@code grace}, then sends
   * SIGKILL to whatever is left. Descendants are collected before signalling, so children that
   * started their own session (as step shells do) are stopped too.
   */
  public void stop(Duration grace) {
    List<ProcessHandle> tree = tree();
    signal(tree, "TERM");
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline && tree.stream().anyMatch(ProcessHandle::isAlive)) {
      try {
        process.waitFor(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      tree.addAll(tree().stream().filter(h -> !tree.contains(h)).toList());
    }
    List<ProcessHandle> left = new ArrayList<>(tree);
    left.addAll(tree().stream().filter(h -> !left.contains(h)).toList());
    signal(left, "KILL");
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private List<ProcessHandle> tree() {
    List<ProcessHandle> all = new ArrayList<>();
    ProcessHandle self = process.toHandle();
    if (self.isAlive()) {
      all.add(self);
    }
    self.descendants().forEach(all::add);
    return all;
  }

  private void signal(List<ProcessHandle> handles, String signal) {
    List<String> argv = new ArrayList<>(List.of("kill", "-" + signal, "--", "-" + process.pid()));
    for (ProcessHandle h : handles) {
      if (h.isAlive()) {
        argv.add(String.valueOf(h.pid()));
      }
    }
    try {
      // kill(1) signals the group and every listed pid; missing ones only make it complain
      new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      handles.forEach(h -> {
        if ("KILL".equals(signal)) {
          h.destroyForcibly();
        } else {
          h.destroy();
        }
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
