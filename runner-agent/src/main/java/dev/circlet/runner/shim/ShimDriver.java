package dev.circlet.runner.shim;

import dev.circlet.runner.volume.Volume;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Set;
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
 *
 * <p>The primary container can write everything under {@code DIR}, so the agent never writes or
 * reads there by path: it opens {@code DIR/steps/<n>} through held directories without following
 * links, creates each step file exclusively ({@code O_CREAT|O_EXCL|O_NOFOLLOW}), and reads the
 * step's output through the very file it created. A link planted anywhere in {@code DIR} fails the
 * step instead of sending the agent's writes or reads into its own file system.
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
    Path fifo = dir.resolve("ctl");
    if (!Files.readAttributes(fifo, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
      throw new IOException(fifo + " is not the shim's FIFO");
    }
    // no O_CREAT, no O_TRUNC, no link followed: only the FIFO itself is ever written
    ctl = Files.newOutputStream(fifo, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  }

  /** Writes a step's files and starts it. */
  public StepProcess start(int n, String script, String envExports, String cwd, String shell)
      throws IOException {
    SecureDirectoryStream<Path> s = stepDir(n);
    SeekableByteChannel out = null;
    try {
      createNew(s, "script", script);
      createNew(s, "env", envExports);
      createNew(s, "cwd", cwd == null ? "" : cwd);
      createNew(s, "shell", shell == null ? "" : shell);
      out = s.newByteChannel(Path.of("out"), Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
          StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS));
      send("run " + n);
      return new StepProcess(this, n, s, out);
    } catch (IOException | RuntimeException e) {
      if (out != null) {
        out.close();
      }
      s.close();
      throw e;
    }
  }

  /** {@code DIR/steps/<n>}, emptied of an earlier run's files, opened without following links. */
  private SecureDirectoryStream<Path> stepDir(int n) throws IOException {
    Path name = Path.of(Integer.toString(n));
    try (SecureDirectoryStream<Path> top = openTop();
        SecureDirectoryStream<Path> steps = subdir(top, dir, Path.of("steps"))) {
      PosixFileAttributes a = Volume.stat(steps, name);
      if (a != null && a.isDirectory()) {
        try (SecureDirectoryStream<Path> old = steps.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
          for (Path e : Volume.names(old)) {
            Volume.deleteIn(old, e);
          }
        }
      } else if (a != null) {
        steps.deleteFile(name);
      }
      return subdir(steps, dir.resolve("steps"), name);
    }
  }

  private SecureDirectoryStream<Path> openTop() throws IOException {
    if (!(Files.newDirectoryStream(dir) instanceof SecureDirectoryStream<Path> top)) {
      throw new IOException("this platform cannot open directories without following links");
    }
    return top;
  }

  /** Opens (creating it when missing) directory {@code name} of {@code parent} without following a link. */
  private static SecureDirectoryStream<Path> subdir(SecureDirectoryStream<Path> parent, Path parentPath, Path name)
      throws IOException {
    if (Volume.stat(parent, name) == null) {
      try {
        Files.createDirectory(parentPath.resolve(name));
      } catch (FileAlreadyExistsException e) {
        // made meanwhile by the shim: opened and checked below like our own
      }
    }
    try {
      return parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new IOException(parentPath.resolve(name) + " is not a directory of the shim (a link or a file was"
          + " put in its place)", e);
    }
  }

  private static void createNew(SecureDirectoryStream<Path> d, String name, String text) throws IOException {
    try (SeekableByteChannel ch = d.newByteChannel(Path.of(name), Set.of(StandardOpenOption.WRITE,
        StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS))) {
      ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /** Replaces a file of {@code DIR} (summary, done) without following a link planted there. */
  private void replace(String name, String text) throws IOException {
    try (SecureDirectoryStream<Path> top = openTop()) {
      Path tmp = Path.of(name + ".tmp");
      Volume.deleteIn(top, tmp);
      createNew(top, tmp.toString(), text);
      top.move(tmp, top, Path.of(name));
    }
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
    replace("summary.json", summaryJson);
    replace("done", Integer.toString(exitCode));
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
