package dev.circlet.runner;

import dev.circlet.runner.testing.JUnitReport;
import java.util.List;

/** Outcome of one job run: success, failed, canceled or timedout; its steps, tests and artifacts. */
public record JobResult(
    String job, String outcome, List<StepResult> steps, JUnitReport.Totals tests,
    List<String> artifacts, long millis) {

  public boolean success() {
    return outcome.equals("success");
  }

  /** Exit code of the shim and of the agent for this outcome (docs/build-pod.md). */
  public int exitCode() {
    return switch (outcome) {
      case "success" -> 0;
      case "canceled" -> 130;
      case "timedout" -> 124;
      default -> 1;
    };
  }
}
