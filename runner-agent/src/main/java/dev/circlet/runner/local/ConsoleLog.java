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
    return (b, off, len) -> write(prefix, b, off, len);
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

  /** A line about the job itself. */
  public void text(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    write(new byte[0], b, 0, b.length);
  }

  private void write(byte[] prefix, byte[] b, int off, int len) {
    try {
      synchronized (console) {
        console.write(prefix);
        console.write(b, off, len);
        console.write('\n');
      }
      if (file != null) {
        synchronized (file) {
          file.write(prefix);
          file.write(b, off, len);
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
