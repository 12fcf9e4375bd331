package dev.circlet.kubetest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child process of the control plane (etcd, kube-apiserver, ...): stdout and stderr go to
 * {@code <name>.log} in the data directory; {@link #terminate()} and {@link
 * #awaitStopped(Duration)} end its whole process tree.
 */
final class ManagedProcess {

  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> command;

  private ManagedProcess(String name, Process process, Path log, List<String> command) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.command = command;
  }

  static ManagedProcess start(String name, List<String> command, Path workDir, Path logDir) throws IOException {
    Path log = logDir.resolve(name + ".log");
    Files.writeString(log, "# " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8);
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // the components must not pick up a developer's cluster or proxy settings
    pb.environment().remove("KUBECONFIG");
    pb.environment().put("NO_PROXY", "127.0.0.1,localhost");
    pb.environment().put("no_proxy", "127.0.0.1,localhost");
    return new ManagedProcess(name, pb.start(), log, List.copyOf(command));
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Throws with the log's tail when the process has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new KubeControlPlaneException(name + " exited with code " + process.exitValue()
          + " (command: " + String.join(" ", command) + ")\n" + describeLog());
    }
  }

  /** Sends SIGTERM to the process and its descendants (does not wait). */
  void terminate() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
  }

  /** Waits until the process has exited, killing its tree after {@code grace}. */
  void awaitStopped(Duration grace) {
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  String describeLog() {
    return "---- last lines of " + log + " ----\n" + tail(log, 40) + "---- end of " + name + " log ----";
  }

  /** The last {@code lines} lines of a file (reads at most the last 64 KiB). */
  static String tail(Path file, int lines) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long len = raf.length();
      long from = Math.max(0, len - 65536);
      byte[] buf = new byte[(int) (len - from)];
      raf.seek(from);
      raf.readFully(buf);
      String[] all = new String(buf, StandardCharsets.UTF_8).split("\n", -1);
      List<String> out = new ArrayList<>();
      for (int i = Math.max(0, all.length - lines - 1); i < all.length; i++) {
        out.add(all[i]);
      }
      String s = String.join("\n", out);
      return s.endsWith("\n") ? s : s + "\n";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")\n";
    }
  }
}
