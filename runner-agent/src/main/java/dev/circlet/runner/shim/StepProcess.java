package dev.circlet.runner.shim;

import java.io.IOException;
import java.nio.ByteBuffer;
import dev.circlet.runner.volume.Volume;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One step handed to the shim: tails its output through the file the agent created, and reads
 * {@code exit} and {@code pid} through the step's held directory, never following a link.
 */
public final class StepProcess {
  /** Exit code recorded when the step was killed and never reported one. */
  public static final int KILLED = 137;

  /** How a step ended. */
  public enum End { EXITED, NO_OUTPUT_TIMEOUT, CANCELED }

  /** The step's end and exit code. */
  public record Result(End end, int exitCode) {}

  /** Receives raw output chunks. */
  public interface Output {
    void write(byte[] b, int off, int len);
  }

  private final ShimDriver shim;
  private final int n;
  private final SecureDirectoryStream<Path> dir;
  private final SeekableByteChannel outChannel;

  StepProcess(ShimDriver shim, int n, SecureDirectoryStream<Path> dir, SeekableByteChannel out) {
    this.shim = shim;
    this.n = n;
    this.dir = dir;
    this.outChannel = out;
  }

  public int number() {
    return n;
  }

  /**
   * Streams the step's output to {@code out} until it exits, it stays silent for {@code
   * noOutputTimeout} (null: never) or {@code canceled} turns true; the last two kill its process
   * group (TERM, then KILL after {@code grace}).
   */
  public Result await(Output out, Duration noOutputTimeout, BooleanSupplier canceled, Duration grace)
      throws IOException {
    Path exit = Path.of("exit");
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    long lastOutput = System.nanoTime();
    long park = 10_000;
    try (SecureDirectoryStream<Path> held = dir; SeekableByteChannel ch = outChannel) {
      while (true) {
        buf.clear();
        int r = ch.read(buf);
        if (r > 0) {
          out.write(buf.array(), 0, r);
          lastOutput = System.nanoTime();
          park = 10_000;
          continue;
        }
        int code = readExit(exit);
        if (code >= 0) {
          drain(ch, buf, out);
          return new Result(End.EXITED, code);
        }
        End reason = null;
        if (canceled.getAsBoolean()) {
          reason = End.CANCELED;
        } else if (noOutputTimeout != null && System.nanoTime() - lastOutput > noOutputTimeout.toNanos()) {
          reason = End.NO_OUTPUT_TIMEOUT;
        }
        if (reason != null) {
          int killed = terminate(exit, grace);
          drain(ch, buf, out);
          return new Result(reason, killed);
        }
        LockSupport.parkNanos(park);
        park = Math.min(park * 2, 1_000_000);
      }
    }
  }

  /** Kills the step's process group without waiting (background steps at the end of a job). */
  public void kill(String signal) throws IOException {
    shim.kill(n, signal);
  }

  private int terminate(Path exit, Duration grace) throws IOException {
    waitFor(() -> exists(Path.of("pid")), Duration.ofSeconds(2));
    shim.kill(n, "TERM");
    if (waitFor(() -> readExitQuietly(exit) >= 0, grace)) {
      return readExit(exit);
    }
    shim.kill(n, "KILL");
    return waitFor(() -> readExitQuietly(exit) >= 0, Duration.ofSeconds(2)) ? readExit(exit) : KILLED;
  }

  private static boolean waitFor(BooleanSupplier done, Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(1_000_000);
    }
    return true;
  }

  private boolean exists(Path name) {
    try {
      return Volume.stat(dir, name) != null;
    } catch (IOException e) {
      return false;
    }
  }

  private int readExitQuietly(Path exit) {
    try {
      return readExit(exit);
    } catch (IOException e) {
      return -1;
    }
  }

  private static void drain(SeekableByteChannel ch, ByteBuffer buf, Output out) throws IOException {
    while (true) {
      buf.clear();
      int r = ch.read(buf);
      if (r <= 0) {
        return;
      }
      out.write(buf.array(), 0, r);
    }
  }

  /** The recorded exit code, or -1 while the file is absent or not yet complete (no newline). */
  private int readExit(Path exit) throws IOException {
    if (Volume.stat(dir, exit) == null) {
      return -1;
    }
    byte[] b;
    try (SeekableByteChannel ch = Volume.openRegular(dir, exit, exit)) {
      ByteBuffer bb = ByteBuffer.allocate(32);
      while (bb.hasRemaining() && ch.read(bb) > 0) {
        // an exit code is a few bytes; more is not an exit code
      }
      b = java.util.Arrays.copyOf(bb.array(), bb.position());
    } catch (java.nio.file.NoSuchFileException e) {
      return -1;
    }
    String s = new String(b, StandardCharsets.US_ASCII);
    if (!s.endsWith("\n")) {
      return -1;
    }
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
