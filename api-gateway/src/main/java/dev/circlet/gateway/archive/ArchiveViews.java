package dev.circlet.gateway.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.JobStatus;
import dev.circlet.api.v1alpha1.JobType;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.api.v1alpha1.WorkflowStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workflows and Builds as the API shows them, computed from the resources alone: a Workflow's job
 * graph (requires edges, states, the Build of each job, parallel and matrix groups) and a Build's phase, times
 * and why it waits or how it ended.
 */
public final class ArchiveViews {
  /**
   * Annotation of a Workflow: a JSON object from each job that is an instance of a matrix to the
   * matrix's alias, written when the Workflow is created from a compiled config.
   */
  public static final String MATRIX_GROUPS = CircletApi.GROUP + "/matrix-groups";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ArchiveViews() {}

  /**
   * One job of a workflow's graph. {@code group} names the group the job is shown in: the matrix's
   * alias for an instance of a matrix, else the job's name when it runs on several parallel nodes.
   */
  public record JobView(String name, String job, String type, String state, String build, List<String> builds,
      List<String> requires, String group, String startedAt, String finishedAt, Long durationMs) {}

  /** One workflow run with its job graph. */
  public record WorkflowView(String namespace, String name, String workflow, String pipeline, Long pipelineNumber,
      String organization, String phase, boolean canceling, String createdAt, String startedAt, String finishedAt,
      List<JobView> jobs) {}

  /** One Build. Steps, tests and artifacts come from the tables the output processing writes. */
  public record BuildView(String namespace, String name, String job, String workflow, String pipeline,
      String organization, String phase, String resourceClass, String nodePool, String pod, Integer parallelIndex,
      String createdAt, String queuedAt, String admittedAt, String startedAt, String finishedAt, Long durationMs,
      String queueReason, String exitSummary, Integer exitCode) {}

  public static WorkflowView workflow(Workflow w) {
    WorkflowSpec spec = w.getSpec() == null ? new WorkflowSpec() : w.getSpec();
    WorkflowStatus status = w.getStatus() == null ? new WorkflowStatus() : w.getStatus();
    Map<String, String> matrixGroups = matrixGroups(w);
    List<JobView> jobs = new ArrayList<>();
    for (JobSpec j : spec.jobs) {
      JobStatus js = status.job(j.name);
      List<String> builds = js == null ? List.of() : List.copyOf(js.builds);
      String type = j.type == JobType.APPROVAL ? "approval" : j.type == JobType.NO_OP ? "no-op" : "build";
      String state = js != null && js.state != null ? js.state.name()
          : j.type == JobType.APPROVAL && spec.approvals.contains(j.name) ? "Approved" : "Blocked";
      String started = js == null ? null : js.startedAt;
      String finished = js == null ? null : js.finishedAt;
      jobs.add(new JobView(j.name, j.name, type, state, builds.isEmpty() ? null : builds.get(0), builds,
          List.copyOf(j.requires), matrixGroups.getOrDefault(j.name, j.parallelismOrOne() > 1 ? j.name : null),
          started, finished,
          durationMs(started, finished)));
    }
    return new WorkflowView(w.getMetadata().getNamespace(), w.getMetadata().getName(), spec.workflowName,
        spec.pipeline, spec.pipelineNumber, spec.organization,
        status.phase == null ? "Pending" : status.phase.name(), spec.cancelRequested(),
        w.getMetadata().getCreationTimestamp(), status.startedAt, status.finishedAt, jobs);
  }

  /** The matrix group of each job that has one, from the annotation; empty when absent or unreadable. */
  static Map<String, String> matrixGroups(Workflow w) {
    String text = w.getMetadata().getAnnotations() == null ? null
        : w.getMetadata().getAnnotations().get(MATRIX_GROUPS);
    if (text == null || text.isBlank()) {
      return Map.of();
    }
    try {
      Map<String, String> out = new LinkedHashMap<>();
      JSON.readTree(text).properties().forEach(e -> {
        if (e.getValue().isTextual()) {
          out.put(e.getKey(), e.getValue().asText());
        }
      });
      return out;
    } catch (JsonProcessingException e) {
      // a hand-edited annotation must not stop archiving; the jobs are shown ungrouped
      return Map.of();
    }
  }

  /**
   * The group a Build of {@code job} is shown in, from its Workflow's graph: the matrix's alias or
   * the parallel job's name; null when the job is in neither or the Workflow is unknown.
   */
  public static String groupOf(WorkflowView workflow, String job) {
    if (workflow == null || job == null) {
      return null;
    }
    return workflow.jobs().stream().filter(j -> job.equals(j.name())).map(JobView::group)
        .filter(java.util.Objects::nonNull).findFirst().orElse(null);
  }

  public static BuildView build(Build b) {
    BuildSpec spec = b.getSpec() == null ? new BuildSpec() : b.getSpec();
    BuildStatus status = b.getStatus() == null ? new BuildStatus() : b.getStatus();
    BuildPhase phase = status.phase;
    String queueReason = null;
    String exitSummary = null;
    if (phase == null || phase == BuildPhase.Queued) {
      queueReason = summary(status.reason, status.message);
    } else if (phase.isTerminal()) {
      exitSummary = summary(phase == BuildPhase.Succeeded && status.reason == null ? null : status.reason,
          status.message);
      if (exitSummary == null && status.exitCode != null) {
        exitSummary = "exit code " + status.exitCode;
      }
    }
    return new BuildView(b.getMetadata().getNamespace(), b.getMetadata().getName(),
        spec.job == null ? null : spec.job.name, spec.workflow, spec.pipeline, spec.organization,
        phase == null ? BuildPhase.Queued.name() : phase.name(), spec.job == null ? null : spec.job.resourceClass,
        status.nodePool, status.podName, spec.parallelIndex, b.getMetadata().getCreationTimestamp(),
        status.queuedAt, status.admittedAt, status.startedAt, status.finishedAt,
        durationMs(status.startedAt, status.finishedAt), queueReason, exitSummary, status.exitCode);
  }

  private static String summary(String reason, String message) {
    if (reason == null || reason.isBlank()) {
      return message == null || message.isBlank() ? null : message;
    }
    return message == null || message.isBlank() ? reason : reason + ": " + message;
  }

  /** Milliseconds between two RFC 3339 times, null unless both are present and readable. */
  static Long durationMs(String from, String to) {
    Instant a = instant(from);
    Instant b = instant(to);
    return a == null || b == null ? null : Math.max(0, Duration.between(a, b).toMillis());
  }

  /** An RFC 3339 time, or null when absent or unreadable (a malformed status must not stop archiving). */
  public static Instant instant(String rfc3339) {
    if (rfc3339 == null || rfc3339.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(rfc3339);
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(rfc3339).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
