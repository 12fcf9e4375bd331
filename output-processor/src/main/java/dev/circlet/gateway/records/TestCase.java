package dev.circlet.gateway.records;

import java.util.Locale;

/** One test case of a JUnit report, as the REST API lists it. */
public record TestCase(String classname, String name, String file, String result, String message, long durationMs) {
  public static final String PASSED = "passed";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";
  public static final String ERROR = "error";

  public TestCase {
    result = result.toLowerCase(Locale.ROOT);
    if (!result.equals(PASSED) && !result.equals(FAILED) && !result.equals(SKIPPED) && !result.equals(ERROR)) {
      throw new IllegalArgumentException("a test result is passed, failed, skipped or error, not " + result);
    }
  }
}
