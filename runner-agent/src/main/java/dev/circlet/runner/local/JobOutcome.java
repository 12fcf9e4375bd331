package dev.circlet.runner.local;

import dev.circlet.runner.JobResult;

/**
 * One workflow job's outcome in a local run: success, failed, canceled, timedout, blocked (a
 * required job did not succeed) or approved (approval jobs are approved at once locally).
 */
public record JobOutcome(String job, String status, long millis, int testsPassed, int testsFailed, JobResult detail) {
  public boolean success() {
    return status.equals("success") || status.equals("approved");
  }
}
