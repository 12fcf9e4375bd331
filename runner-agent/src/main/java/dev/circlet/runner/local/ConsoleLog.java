package dev.circlet.runner.local;

import dev.circlet.runner.JobLog;
import dev.circlet.runner.StepResult;
import dev.circlet.runner.mask.MaskingLineWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@link JobLog} that writes {@code [job/step] line} to a shared console stream and, unprefixed
 * by job, to the job's own log file. Lines of concurrent jobs interleave whole, never mid-line.
 * The agent's own {@code Error: } lines are shortened on the console ({@link ErrorText}) and kept
 * whole in the file.
 */
public final class ConsoleLog implements JobLog, AutoCloseable {
  private final String job;
  private final OutputStream console;
  private final OutputStream file;

  /**
   * @param console shared by all jobs of a run; writes are synchronized on it
   * @param file this job's log, or null
   */
  public ConsoleLog(String job, OutputStream console, OutputStream file) {
    this.job = job;
    this.console = console;
    this.file = file;
  }

  @Override
  public void stepStarted(int n, String step) {
    text("[" + job + "] ==> " + step);
  }

  @Override
  public MaskingLineWriter.LineSink lines(int n, String step) {
    byte[] prefix = ("[" + job + "/" + step + "] ").getBytes(StandardCharsets.UTF_8);
    return (b, off, len) -> {
      if (len > ErrorText.MAX_TOKEN && startsWith(b, off, len, ERROR)) {
        byte[] shortLine = ErrorText.shorten(new String(b, off, len, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
        write(prefix, shortLine, 0, shortLine.length, b, off, len);
      } else {
        write(prefix, b, off, len);
      }
    };
  }

  @Override
  public void notice(String step, String message) {
    text("[" + job + "/" + step + "] " + message);
  }

  @Override
  public void stepFinished(StepResult r) {
    text("[" + job + "] <== " + r.name() + ": " + r.status()
        + (r.exitCode() != 0 ? " (exit " + r.exitCode() + ")" : "") + " in " + r.millis() + " ms");
  }

  /** A line for the job's log file only (the console had it already, once for all nodes). */
  public void fileText(String line) {
    if (file == null) {
      return;
    }
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    try {
      synchronized (file) {
        file.write(b);
        file.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A line about the job itself. */
  public void text(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    write(new byte[0], b, 0, b.length);
  }

  private static final byte[] ERROR = "Error: ".getBytes(StandardCharsets.US_ASCII);

  private static boolean startsWith(byte[] b, int off, int len, byte[] p) {
    if (len < p.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (b[off + i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  private void write(byte[] prefix, byte[] b, int off, int len) {
    write(prefix, b, off, len, b, off, len);
  }

  /** The console gets {@code c}, the file {@code f}: the same line, or a shortened one and the original. */
  private void write(byte[] prefix, byte[] c, int cOff, int cLen, byte[] f, int fOff, int fLen) {
    try {
      synchronized (console) {
        console.write(prefix);
        console.write(c, cOff, cLen);
        console.write('\n');
      }
      if (file != null) {
        synchronized (file) {
          file.write(prefix);
          file.write(f, fOff, fLen);
          file.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (console) {
      console.flush();
    }
    if (file != null) {
      file.close();
    }
  }
}
