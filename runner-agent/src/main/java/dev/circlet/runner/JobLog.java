package dev.circlet.runner;

import dev.circlet.runner.mask.MaskingLineWriter;

/** Where a job's output goes: masked step lines, agent notices and step events. */
public interface JobLog {
  void stepStarted(int n, String step);

  /** Sink for the masked lines of one step. */
  MaskingLineWriter.LineSink lines(int n, String step);

  /** A message from the agent about a step (already masked by the caller). */
  void notice(String step, String message);

  void stepFinished(StepResult result);

  /**
   * A JUnit report {@code store_test_results} of step {@code n} found at {@code path} (relative to
   * the step's directory), for a log that keeps test results beside the output. Nothing by default.
   */
  default void testReport(int n, String path, byte[] xml) {
  }
}
