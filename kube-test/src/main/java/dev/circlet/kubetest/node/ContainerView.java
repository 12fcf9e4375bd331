package dev.circlet.kubetest.node;

import java.time.Instant;

/**
 * What the process node knows of one container at one moment: the input of {@link
 * PodStatusComposer}.
 *
 * @param kind init container, native sidecar (init container with {@code restartPolicy: Always})
 *     or regular container
 * @param state waiting, running or terminated
 * @param reason waiting reason ({@code ContainerCreating}, {@code PodInitializing}, {@code
 *     ErrImageNeverPull}) or terminated reason ({@code Completed}, {@code Error})
 * @param containerId {@code process://<pid>} once started
 */
public record ContainerView(
    String name,
    String image,
    Kind kind,
    State state,
    String reason,
    String message,
    Integer exitCode,
    Instant startedAt,
    Instant finishedAt,
    int restarts,
    String containerId) {

  /** Which list of the pod spec a container comes from. */
  public enum Kind { INIT, SIDECAR, REGULAR }

  /** The container's state, as in the pod's status. */
  public enum State { WAITING, RUNNING, TERMINATED }

  public static ContainerView waiting(String name, String image, Kind kind, String reason, String message) {
    return new ContainerView(name, image, kind, State.WAITING, reason, message, null, null, null, 0, null);
  }

  public ContainerView running(Instant startedAt, String containerId) {
    return new ContainerView(name, image, kind, State.RUNNING, null, null, null, startedAt, null, restarts, containerId);
  }

  public ContainerView terminated(int code, String message, Instant finishedAt) {
    return new ContainerView(name, image, kind, State.TERMINATED, code == 0 ? "Completed" : "Error", message, code,
        startedAt == null ? finishedAt : startedAt, finishedAt, restarts, containerId);
  }

  /** The same container, waiting after a restart was counted. */
  public ContainerView restarting(String reason, String message) {
    return new ContainerView(name, image, kind, State.WAITING, reason, message, null, null, null, restarts + 1,
        containerId);
  }

  public boolean succeeded() {
    return state == State.TERMINATED && exitCode != null && exitCode == 0;
  }

  public boolean failed() {
    return state == State.TERMINATED && (exitCode == null || exitCode != 0);
  }
}
