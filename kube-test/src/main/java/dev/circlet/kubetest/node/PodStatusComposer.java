package dev.circlet.kubetest.node;

import dev.circlet.kubetest.node.ContainerView.Kind;
import dev.circlet.kubetest.node.ContainerView.State;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Computes a pod's status from its containers' states as a kubelet does: phase, the conditions
 * {@code PodScheduled}, {@code PodReadyToStartContainers}, {@code Initialized}, {@code
 * ContainersReady} and {@code Ready}, and the container statuses. Pure; transition times are kept
 * from the previous status while a condition's status does not change.
 */
public final class PodStatusComposer {

  /** A pod-level end decided by the node (deadline, unrunnable image, lost processes). */
  public record Verdict(String phase, String reason, String message) {}

  private PodStatusComposer() {}

  /**
   * @param previous the pod's current status (conditions written by others are kept)
   * @param containers every container, init containers first, in spec order
   * @param volumesReady whether the pod's volumes are in place
   * @param verdict a pod-level end, or null
   */
  public static PodStatus compose(PodStatus previous, List<ContainerView> containers, boolean volumesReady,
      Verdict verdict, String hostIp, Instant startTime, Instant now) {
    PodStatus prev = previous == null ? new PodStatus() : previous;
    List<ContainerView> inits = containers.stream().filter(c -> c.kind() != Kind.REGULAR).toList();
    List<ContainerView> regular = containers.stream().filter(c -> c.kind() == Kind.REGULAR).toList();

    String phase;
    String reason = null;
    String message = null;
    if (verdict != null) {
      phase = verdict.phase();
      reason = verdict.reason();
      message = verdict.message();
    } else if (inits.stream().anyMatch(c -> c.kind() == Kind.INIT && c.failed())) {
      phase = "Failed";
    } else if (!regular.isEmpty() && regular.stream().allMatch(c -> c.state() == State.TERMINATED)) {
      phase = regular.stream().allMatch(ContainerView::succeeded) ? "Succeeded" : "Failed";
    } else if (regular.stream().anyMatch(c -> c.state() != State.WAITING)) {
      phase = "Running";
    } else {
      phase = "Pending";
    }
    boolean terminal = "Succeeded".equals(phase) || "Failed".equals(phase);

    boolean initialized = inits.stream().allMatch(c -> c.kind() == Kind.SIDECAR
        ? c.state() != State.WAITING || c.restarts() > 0
        : c.succeeded());
    boolean containersReady = !terminal && !regular.isEmpty()
        && containers.stream().filter(c -> c.kind() != Kind.INIT).allMatch(c -> c.state() == State.RUNNING);

    List<PodCondition> conditions = new ArrayList<>();
    List<String> ours = List.of("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready");
    PodCondition scheduled = find(prev.getConditions(), "PodScheduled");
    conditions.add(scheduled != null ? scheduled : condition(prev, "PodScheduled", true, null, null, now));
    conditions.add(condition(prev, "PodReadyToStartContainers", volumesReady && !terminal, null, null, now));
    conditions.add(condition(prev, "Initialized", initialized, initialized ? null : "ContainersNotInitialized",
        initialized ? null : "containers with incomplete status: " + names(inits, c -> c.kind() == Kind.INIT
            ? !c.succeeded() : c.state() == State.WAITING), now));
    String notReady = terminal ? "PodCompleted" : "ContainersNotReady";
    String notReadyMessage = terminal ? null : "containers with unready status: "
        + names(containers, c -> c.kind() != Kind.INIT && c.state() != State.RUNNING);
    conditions.add(condition(prev, "ContainersReady", containersReady, containersReady ? null : notReady,
        containersReady ? null : notReadyMessage, now));
    conditions.add(condition(prev, "Ready", containersReady, containersReady ? null : notReady,
        containersReady ? null : notReadyMessage, now));
    if (prev.getConditions() != null) {
      for (PodCondition c : prev.getConditions()) {
        if (!"PodScheduled".equals(c.getType()) && !ours.contains(c.getType())) {
          conditions.add(c);
        }
      }
    }

    PodStatus s = new PodStatus();
    s.setPhase(phase);
    s.setReason(reason);
    s.setMessage(message);
    s.setConditions(conditions);
    s.setHostIP(hostIp);
    s.setHostIPs(List.of(new HostIP(hostIp)));
    s.setPodIP(hostIp);
    s.setPodIPs(List.of(new PodIP(hostIp)));
    s.setStartTime(ts(startTime));
    s.setQosClass(prev.getQosClass());
    s.setInitContainerStatuses(inits.stream().map(PodStatusComposer::status).toList());
    s.setContainerStatuses(regular.stream().map(PodStatusComposer::status).toList());
    return s;
  }

  private static String names(List<ContainerView> cs, Predicate<ContainerView> which) {
    return "[" + String.join(" ", cs.stream().filter(which).map(ContainerView::name).toList()) + "]";
  }

  static ContainerStatus status(ContainerView c) {
    ContainerState state = switch (c.state()) {
      case WAITING -> new ContainerStateBuilder().withNewWaiting()
          .withReason(c.reason()).withMessage(c.message()).endWaiting().build();
      case RUNNING -> new ContainerStateBuilder().withNewRunning()
          .withStartedAt(ts(c.startedAt())).endRunning().build();
      case TERMINATED -> new ContainerStateBuilder().withNewTerminated()
          .withExitCode(c.exitCode()).withReason(c.reason()).withMessage(emptyToNull(c.message()))
          .withStartedAt(ts(c.startedAt()))
          .withFinishedAt(ts(c.finishedAt()))
          .withContainerID(c.containerId()).endTerminated().build();
    };
    boolean running = c.state() == State.RUNNING;
    return new ContainerStatusBuilder()
        .withName(c.name())
        .withImage(c.image())
        .withImageID(c.containerId() == null ? "" : "process-node://" + c.image())
        .withContainerID(c.containerId())
        .withReady(running && c.kind() != Kind.INIT)
        .withStarted(c.kind() == Kind.INIT ? null : running)
        .withRestartCount(c.restarts())
        .withState(state)
        .build();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static PodCondition find(List<PodCondition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static PodCondition condition(PodStatus prev, String type, boolean value, String reason, String message,
      Instant now) {
    String status = value ? "True" : "False";
    PodCondition old = find(prev.getConditions(), type);
    String since = old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
        ? old.getLastTransitionTime()
        : ts(now);
    PodCondition c = new PodCondition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setLastTransitionTime(since);
    c.setLastProbeTime(null);
    return c;
  }

  /** RFC 3339 in whole seconds, as the API server stores times. */
  static String ts(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
