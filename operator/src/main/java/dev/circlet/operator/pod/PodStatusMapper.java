package dev.circlet.operator.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.BuildPhase;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a build pod's status and says what it means for the Build: phase, reason, message, exit
 * code and timestamps. Pure: the caller passes the pod and the time; see docs/operator.md for the
 * table this implements.
 */
public final class PodStatusMapper {

  /** What a pod says about its Build. {@code phase} is Admitted until the primary runs. */
  public record PodObservation(
      BuildPhase phase,
      String reason,
      String message,
      Integer exitCode,
      String nodeName,
      boolean scheduled,
      Instant startedAt,
      Instant finishedAt,
      String summaryJson) {

    /**
     * Whether the pod is stuck on an error the kubelet keeps retrying (image pull back-off, a
     * container it cannot create, an agent crash loop). The caller fails the Build once this has
     * lasted longer than its grace period.
     */
    public boolean stuck() {
      return !phase.isTerminal() && reason != null && STUCK_REASONS.contains(reason);
    }
  }

  /** Waiting reasons that may clear on their own (registry outage, a Secret created late). */
  static final Set<String> STUCK_REASONS =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError",
          "AgentCrashLoopBackOff");

  /** Waiting reasons that never clear: the pod cannot start as written. */
  static final Set<String> FATAL_WAITING_REASONS = Set.of("InvalidImageName", "ErrImageNeverPull");

  /** Pod-level failure reasons that mean the Build hit its deadline. */
  static final String DEADLINE_EXCEEDED = "DeadlineExceeded";

  /** Reason of a Build whose pod was deleted (by someone other than the operator) while the job ran. */
  public static final String POD_DELETED = "PodDeleted";

  static final int EXIT_FAILED = 1;
  static final int EXIT_TIMED_OUT = 124;
  static final int EXIT_CANCELED = 130;

  /** The agent's summary is at most 4 KiB; a longer termination message is cut, not trusted. */
  static final int MAX_SUMMARY = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  public PodStatusMapper() {}

  /**
   * Maps a pod to a Build observation.
   *
   * @param pod the build pod, or null when it no longer exists
   * @param now used only as the finish time when the pod ended without a container finish time
   */
  public PodObservation map(Pod pod, Instant now) {
    if (pod == null) {
      return new PodObservation(
          BuildPhase.Failed,
          "PodLost",
          "the build pod no longer exists: it was deleted or its node was lost",
          null,
          null,
          false,
          null,
          now,
          null);
    }
    PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    PodCondition scheduledCondition = condition(status, "PodScheduled");
    boolean scheduled =
        node != null
            || (scheduledCondition != null && "True".equals(scheduledCondition.getStatus()));
    ContainerStatus primary = containerStatus(status.getContainerStatuses(), BuildPodFactory.PRIMARY);
    ContainerStateTerminated primaryEnd = terminated(primary);
    Instant started = primaryStarted(primary);
    Fields f = new Fields(node, scheduled, started);

    // The primary carries the outcome (docs/build-pod.md): a clean exit wins over anything the
    // kubelet did to the pod afterwards, such as stopping the agent sidecar.
    if (primaryEnd != null && exitCode(primaryEnd) == 0) {
      return f.end(BuildPhase.Succeeded, "Completed", "the job succeeded", 0, primaryEnd, now);
    }
    if ("Failed".equals(status.getPhase()) || primaryEnd != null) {
      PodObservation killed = podFailure(f, status, primaryEnd, now);
      if (killed != null) {
        return killed;
      }
    }
    if (primaryEnd != null && deletedUnderTheJob(pod, primaryEnd)) {
      return f.end(BuildPhase.Failed, POD_DELETED, "the build pod was deleted while the job ran"
          + " (the primary container ended with exit code " + exitCode(primaryEnd) + ")",
          exitCode(primaryEnd), primaryEnd, now);
    }
    if (primaryEnd != null) {
      return fromExit(f, primaryEnd, now);
    }
    PodObservation init = initFailure(f, status, now);
    if (init != null) {
      return init;
    }
    if ("Failed".equals(status.getPhase())) {
      String message = podMessage(status, "the pod failed before the job ran");
      return f.end(BuildPhase.Failed, "PodFailed", message, null, null, now);
    }
    if ("Succeeded".equals(status.getPhase())) {
      // Only reachable when the primary's status was lost; the pod says every container ended 0.
      return f.end(BuildPhase.Succeeded, "Completed", "the job succeeded", 0, null, now);
    }
    boolean primaryRunning =
        primary != null && primary.getState() != null && primary.getState().getRunning() != null;
    BuildPhase live = primaryRunning ? BuildPhase.Running : BuildPhase.Admitted;
    PodObservation waiting = waitingProblem(f, status, live, now);
    if (waiting != null) {
      return waiting;
    }
    if (primaryRunning) {
      return f.live(BuildPhase.Running, null, null);
    }
    if ("Unknown".equals(status.getPhase())) {
      String message = podMessage(status, "the node stopped reporting the pod");
      return f.live(BuildPhase.Admitted, "NodeUnreachable", message);
    }
    if (!scheduled) {
      if (scheduledCondition != null && "False".equals(scheduledCondition.getStatus())) {
        String reason =
            scheduledCondition.getReason() == null ? "Unschedulable" : scheduledCondition.getReason();
        return f.live(BuildPhase.Admitted, reason, scheduledCondition.getMessage());
      }
      return f.live(BuildPhase.Admitted, "Pending", "waiting for the scheduler");
    }
    return f.live(BuildPhase.Admitted, "ContainerCreating", "starting the build pod on node " + node);
  }

  /**
   * A failure the kubelet or the control plane caused (deadline, eviction, node loss,
   * preemption). It explains the primary's exit better than the exit code, so it comes first.
   */
  private static PodObservation podFailure(
      Fields f, PodStatus status, ContainerStateTerminated primaryEnd, Instant now) {
    String reason = status.getReason();
    Integer exit = primaryEnd == null ? null : primaryEnd.getExitCode();
    if (DEADLINE_EXCEEDED.equals(reason)) {
      String message = podMessage(status, "the pod ran past its active deadline");
      return f.end(BuildPhase.TimedOut, DEADLINE_EXCEEDED, message, exit, primaryEnd, now);
    }
    if (reason != null && !reason.isEmpty()) {
      return f.end(BuildPhase.Failed, reason, podMessage(status, "the pod failed"), exit, primaryEnd, now);
    }
    PodCondition disruption = condition(status, "DisruptionTarget");
    boolean canceled = exit != null && exit == EXIT_CANCELED;
    if (disruption != null && "True".equals(disruption.getStatus()) && !canceled) {
      return f.end(BuildPhase.Failed, disruption.getReason(), disruption.getMessage(), exit, primaryEnd, now);
    }
    return null;
  }

  /**
   * The pod is being deleted and the primary was stopped by it: its exit code is the kubelet's
   * signal (143, 137), not the job's, so the deletion is the reason. The job's own outcomes (a
   * step failure, cancel, timeout) keep their meaning.
   */
  private static boolean deletedUnderTheJob(Pod pod, ContainerStateTerminated primaryEnd) {
    if (pod.getMetadata() == null || pod.getMetadata().getDeletionTimestamp() == null) {
      return false;
    }
    int code = exitCode(primaryEnd);
    return code != EXIT_FAILED && code != EXIT_CANCELED && code != EXIT_TIMED_OUT;
  }

  private static PodObservation fromExit(Fields f, ContainerStateTerminated end, Instant now) {
    int code = exitCode(end);
    if ("OOMKilled".equals(end.getReason())) {
      String message = "the primary container ran out of memory (exit " + code + ");"
          + " use a larger resource class";
      return f.end(BuildPhase.Failed, "OOMKilled", message, code, end, now);
    }
    return switch (code) {
      case EXIT_CANCELED ->
          f.end(BuildPhase.Canceled, "Canceled", "the job was canceled", code, end, now);
      case EXIT_TIMED_OUT ->
          f.end(BuildPhase.TimedOut, "TimedOut", "the job ran past its timeout", code, end, now);
      case EXIT_FAILED -> {
        String step = failedStep(end.getMessage());
        yield step == null
            ? f.end(BuildPhase.Failed, "Error", "the job failed (exit 1)", code, end, now)
            : f.end(BuildPhase.Failed, "StepFailed", step, code, end, now);
      }
      default -> f.end(BuildPhase.Failed, "Error",
          "the primary container exited with code " + code + describe(end), code, end, now);
    };
  }

  /** {@code circlet-init} ended non-zero: the shim was never installed, so the job cannot run. */
  private static PodObservation initFailure(Fields f, PodStatus status, Instant now) {
    ContainerStatus init = containerStatus(status.getInitContainerStatuses(), BuildPodFactory.INIT);
    ContainerStateTerminated end = terminated(init);
    if (end == null || exitCode(end) == 0) {
      return null;
    }
    int code = exitCode(end);
    return f.end(BuildPhase.Failed, "InitFailed",
        BuildPodFactory.INIT + " exited with code " + code + describe(end), code, end, now);
  }

  /** The first container (init containers first) stuck or failed in a waiting state. */
  private static PodObservation waitingProblem(Fields f, PodStatus status, BuildPhase live, Instant now) {
    List<ContainerStatus> all = new ArrayList<>();
    if (status.getInitContainerStatuses() != null) {
      all.addAll(status.getInitContainerStatuses());
    }
    if (status.getContainerStatuses() != null) {
      all.addAll(status.getContainerStatuses());
    }
    for (ContainerStatus cs : all) {
      ContainerStateWaiting waiting = cs.getState() == null ? null : cs.getState().getWaiting();
      if (waiting == null || waiting.getReason() == null) {
        continue;
      }
      String reason = waiting.getReason();
      String message = "container " + cs.getName() + (cs.getImage() == null ? "" : " (" + cs.getImage() + ")")
          + ": " + (waiting.getMessage() == null ? reason : waiting.getMessage());
      if (FATAL_WAITING_REASONS.contains(reason)) {
        return f.end(BuildPhase.Failed, reason, message, null, null, now);
      }
      if ("CrashLoopBackOff".equals(reason) && BuildPodFactory.AGENT.equals(cs.getName())) {
        return f.live(live, "AgentCrashLoopBackOff", message);
      }
      if (STUCK_REASONS.contains(reason)) {
        // ErrImagePull and ImagePullBackOff alternate; report one name so the status is stable.
        return f.live(live, "ErrImagePull".equals(reason) ? "ImagePullBackOff" : reason, message);
      }
    }
    return null;
  }

  /** A one-line description of the first failed step in the agent's summary, or null. */
  public static String failedStep(String summary) {
    if (summary == null || summary.isBlank() || summary.charAt(0) != '{') {
      return null;
    }
    try {
      JsonNode steps = JSON.readTree(summary).path("steps");
      for (JsonNode step : steps) {
        String state = step.path("s").asText("");
        if (state.equals("failed") || state.equals("timedout")) {
          String name = step.path("n").asText("?");
          return "step \"" + name + "\" " + (state.equals("failed") ? "failed" : "timed out")
              + (step.has("x") ? " (exit " + step.path("x").asInt() + ")" : "");
        }
      }
    } catch (java.io.IOException e) {
      // A summary that is not JSON is reported as is; the exit code still decides the phase.
    }
    return null;
  }

  private static String summary(ContainerStateTerminated end) {
    if (end == null || end.getMessage() == null || end.getMessage().isBlank()) {
      return null;
    }
    String m = end.getMessage().strip();
    return m.length() > MAX_SUMMARY ? m.substring(0, MAX_SUMMARY) : m;
  }

  private static String describe(ContainerStateTerminated end) {
    StringBuilder sb = new StringBuilder();
    if (end.getSignal() != null && end.getSignal() != 0) {
      sb.append(", signal ").append(end.getSignal());
    }
    if (end.getReason() != null && !end.getReason().equals("Error")) {
      sb.append(" (").append(end.getReason()).append(')');
    }
    if (end.getMessage() != null && !end.getMessage().isBlank() && end.getMessage().charAt(0) != '{') {
      sb.append(": ").append(end.getMessage().strip());
    }
    return sb.toString();
  }

  private static String podMessage(PodStatus status, String fallback) {
    return status.getMessage() == null || status.getMessage().isBlank() ? fallback : status.getMessage();
  }

  private static int exitCode(ContainerStateTerminated end) {
    return end.getExitCode() == null ? -1 : end.getExitCode();
  }

  private static ContainerStatus containerStatus(List<ContainerStatus> statuses, String name) {
    if (statuses == null) {
      return null;
    }
    for (ContainerStatus cs : statuses) {
      if (name.equals(cs.getName())) {
        return cs;
      }
    }
    return null;
  }

  private static ContainerStateTerminated terminated(ContainerStatus cs) {
    if (cs == null || cs.getState() == null) {
      return null;
    }
    return cs.getState().getTerminated();
  }

  private static Instant primaryStarted(ContainerStatus primary) {
    if (primary == null) {
      return null;
    }
    ContainerState state = primary.getState();
    if (state != null && state.getRunning() != null) {
      return parse(state.getRunning().getStartedAt());
    }
    if (state != null && state.getTerminated() != null) {
      return parse(state.getTerminated().getStartedAt());
    }
    return null;
  }

  private static PodCondition condition(PodStatus status, String type) {
    if (status.getConditions() == null) {
      return null;
    }
    for (PodCondition c : status.getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  private static Instant parse(String time) {
    return time == null || time.isEmpty() ? null : Instant.parse(time);
  }

  /** The fields every observation of one pod shares. */
  private record Fields(String node, boolean scheduled, Instant started) {
    PodObservation live(BuildPhase phase, String reason, String message) {
      return new PodObservation(phase, reason, message, null, node, scheduled, started, null, null);
    }

    PodObservation end(BuildPhase phase, String reason, String message, Integer exitCode,
        ContainerStateTerminated primaryEnd, Instant now) {
      Instant finished = primaryEnd == null ? null : parse(primaryEnd.getFinishedAt());
      Instant start = started != null ? started : primaryEnd == null ? null : parse(primaryEnd.getStartedAt());
      return new PodObservation(phase, reason, message, exitCode, node, scheduled, start,
          finished == null ? now : finished, summary(primaryEnd));
    }
  }
}
