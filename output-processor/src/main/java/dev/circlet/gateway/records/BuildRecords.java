package dev.circlet.gateway.records;

import dev.circlet.proto.runner.v1.StepEvent;
import java.util.List;

/**
 * Where the runner API records what a Build reports besides its output: step events, test results
 * and artifacts. Every method is idempotent, so a runner that reports again after a lost answer
 * leaves the same rows.
 */
public interface BuildRecords {
  /** A step started or finished; a late "started" never undoes a "finished". */
  void step(String namespace, String build, StepEvent event);

  /** The step's output ended with {@code bytes} stored (after masking and the size cap). */
  void logLength(String namespace, String build, int step, long bytes);

  /** The test cases of one JUnit report; reporting the same report path again replaces its cases. */
  void testResults(String namespace, String build, String reportPath, List<TestCase> cases);

  /** An artifact the runner was given a presigned PUT for, at {@code path} under the Build, stored at {@code storageKey}. */
  void artifact(String namespace, String build, String path, String storageKey);
}
