package dev.circlet.kubetest;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Plays the kubelet's part for pods on kwok nodes, from the test's side: waits for the pod to run
 * and ends its containers with chosen exit codes by writing the pod's status subresource, as a
 * kubelet would. kwok leaves a pod alone once it has an IP, so the status written here sticks.
 *
 * <p>To let kwok end a pod by itself instead (e.g. a pod made by the code under test), annotate it
 * with {@value KubeControlPlane#FAKE_EXIT_CODE_ANNOTATION} (see {@link #exitAfter}).
 */
public final class FakeKubelet {

  private final KubernetesClient client;

  public FakeKubelet(KubernetesClient client) {
    this.client = client;
  }

  /** Waits until the pod is Running (scheduled, then started by kwok). */
  public Pod awaitRunning(String namespace, String name, Duration timeout) {
    return pod(namespace, name).waitUntilCondition(
        p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until the pod has reached phase Succeeded or Failed. */
  public Pod awaitTerminated(String namespace, String name, Duration timeout) {
    return pod(namespace, name).waitUntilCondition(
        p -> p != null && p.getStatus() != null
            && ("Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase())),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every container exits 0; the pod Succeeds. */
  public Pod succeed(String namespace, String name) {
    return terminate(namespace, name, Map.of(), 0);
  }

  /** Every container exits with {@code exitCode} (non-zero); the pod Fails. */
  public Pod fail(String namespace, String name, int exitCode) {
    if (exitCode == 0) {
      throw new IllegalArgumentException("a failure needs a non-zero exit code");
    }
    return terminate(namespace, name, Map.of(), exitCode);
  }

  /**
   * Terminates the pod's containers: each with its code in {@code exitCodes}, the others with
   * {@code defaultExitCode}. The pod is Succeeded when every code is 0, Failed otherwise.
   */
  public Pod terminate(String namespace, String name, Map<String, Integer> exitCodes, int defaultExitCode) {
    return pod(namespace, name).editStatus(p -> terminated(p, exitCodes, defaultExitCode, Instant.now()));
  }

  /**
   * Asks kwok to end the pod after {@code runFor} (zero: as soon as it runs) with every container
   * exiting {@code exitCode}, by annotating it.
   */
  public Pod exitAfter(String namespace, String name, int exitCode, Duration runFor) {
    return pod(namespace, name).edit(p -> new PodBuilder(p).editMetadata()
        .addToAnnotations(KubeControlPlane.FAKE_EXIT_CODE_ANNOTATION, Integer.toString(exitCode))
        .addToAnnotations(KubeControlPlane.FAKE_RUN_DURATION_ANNOTATION, runFor.toMillis() + "ms")
        .endMetadata().build());
  }

  private PodResource pod(String namespace, String name) {
    return client.pods().inNamespace(namespace).withName(name);
  }

  static Pod terminated(Pod pod, Map<String, Integer> exitCodes, int defaultExitCode, Instant now) {
    String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
    Map<String, ContainerStatus> previous = new java.util.HashMap<>();
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
        previous.put(cs.getName(), cs);
      }
    }
    boolean ok = true;
    List<ContainerStatus> statuses = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      int code = exitCodes.getOrDefault(c.getName(), defaultExitCode);
      ok &= code == 0;
      ContainerStatus prev = previous.get(c.getName());
      String startedAt = prev != null && prev.getState() != null && prev.getState().getRunning() != null
          ? prev.getState().getRunning().getStartedAt() : ts;
      statuses.add(new ContainerStatusBuilder()
          .withName(c.getName())
          .withImage(c.getImage())
          .withImageID(prev == null ? null : prev.getImageID())
          .withContainerID(prev == null ? null : prev.getContainerID())
          .withReady(false)
          .withStarted(false)
          .withRestartCount(prev == null || prev.getRestartCount() == null ? 0 : prev.getRestartCount())
          .withNewState()
            .withNewTerminated()
              .withExitCode(code)
              .withReason(code == 0 ? "Completed" : "Error")
              .withStartedAt(startedAt)
              .withFinishedAt(ts)
            .endTerminated()
          .endState()
          .build());
    }
    List<PodCondition> conditions = new ArrayList<>();
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("Ready".equals(c.getType()) || "ContainersReady".equals(c.getType())) {
          conditions.add(new PodConditionBuilder(c).withStatus("False").withReason("PodCompleted")
              .withLastTransitionTime(ts).build());
        } else {
          conditions.add(c);
        }
      }
    }
    return new PodBuilder(pod)
        .editOrNewStatus()
          .withPhase(ok ? "Succeeded" : "Failed")
          .withContainerStatuses(statuses)
          .withConditions(conditions)
        .endStatus()
        .build();
  }
}
