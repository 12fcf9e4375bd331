package dev.circlet.runner;

import dev.circlet.runner.mask.MaskingLineWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A {@link JobLog} that keeps every line, for assertions. */
final class RecordingLog implements JobLog {
  final List<String> lines = new ArrayList<>();
  final List<StepResult> finished = new ArrayList<>();

  @Override
  public synchronized void stepStarted(int n, String step) {
    lines.add("==> " + step);
  }

  @Override
  public MaskingLineWriter.LineSink lines(int n, String step) {
    return (b, off, len) -> {
      synchronized (this) {
        lines.add(step + ": " + new String(b, off, len, StandardCharsets.UTF_8));
      }
    };
  }

  @Override
  public synchronized void notice(String step, String message) {
    lines.add(step + ": " + message);
  }

  @Override
  public synchronized void stepFinished(StepResult result) {
    finished.add(result);
  }

  synchronized String text() {
    return String.join("\n", lines);
  }
}
