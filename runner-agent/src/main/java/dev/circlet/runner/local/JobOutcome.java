package dev.circlet.runner.local;

import dev.circlet.config.model.RequiredStatus;
import dev.circlet.runner.JobResult;
import dev.circlet.runner.StepResult;
import java.util.List;
import java.util.Optional;

/**
 * One workflow job's outcome in a local run: success, failed, canceled, timedout, blocked (a
 * required job ended in a status its requires entry does not accept) or approved (approval jobs
 * are approved at once locally). {@code nodes} holds each parallel node's result, empty when the
 * job ran no steps; {@code error} says why a job could not start at all, else null.
 */
public record JobOutcome(String job, String status, long millis, List<JobResult> nodes, String error) {
  public JobOutcome {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }

  /** A job that ran no steps (blocked, approved, canceled before it started, no-op). */
  public static JobOutcome withoutSteps(String job, String status) {
    return new JobOutcome(job, status, 0, List.of(), null);
  }

  public boolean success() {
    return status.equals("success") || status.equals("approved");
  }

  /** Whether any node stored test results; a job without any shows no test counts. */
  public boolean hasTests() {
    return nodes.stream().anyMatch(n -> n.tests().tests() > 0);
  }

  public int testsPassed() {
    return nodes.stream().mapToInt(n -> n.tests().passed()).sum();
  }

  public int testsFailed() {
    return nodes.stream().mapToInt(n -> n.tests().failed()).sum();
  }

  /** The first step that did not succeed on a node: failed, timed out or canceled. */
  public static Optional<StepResult> failingStep(JobResult node) {
    return node.steps().stream().filter(s -> !s.ok() && !s.status().equals("skipped")).findFirst();
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
