package dev.circlet.runner.local;

import dev.circlet.config.model.RequiredStatus;
import dev.circlet.runner.JobResult;

/**
 * One workflow job's outcome in a local run: success, failed, canceled, timedout, blocked (a
 * required job ended in a status its requires entry does not accept) or approved (approval jobs
 * are approved at once locally).
 */
public record JobOutcome(String job, String status, long millis, int testsPassed, int testsFailed, JobResult detail) {
  public boolean success() {
    return status.equals("success") || status.equals("approved");
  }

  /** This outcome as a {@code requires} job status: success, failed, canceled or not_run. */
  public String requiresStatus() {
    if (success()) {
      return RequiredStatus.SUCCESS;
    }
    return switch (status) {
      case "canceled" -> RequiredStatus.CANCELED;
      case "blocked" -> RequiredStatus.NOT_RUN;
      default -> RequiredStatus.FAILED;
    };
  }
}
