package dev.circlet.kubetest.node;

import dev.circlet.kubetest.node.ContainerView.Kind;
import dev.circlet.kubetest.node.ContainerView.State;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kubelet's work for one pod, on its own thread: volumes, init containers in order, native
 * sidecars (restarted when they exit early), the regular containers, projected tokens renewed
 * before they expire, the pod's status after every
 * change, {@code activeDeadlineSeconds}, and on deletion the processes' end and the pod's final
 * removal (grace period 0). Only {@code restartPolicy: Never} semantics for regular containers.
 */
final class PodWorker implements Runnable {

  private static final Logger LOG = Logger.getLogger(PodWorker.class.getName());
  private static final Duration TICK = Duration.ofMillis(200);
  private static final Duration MOUNT_RETRY = Duration.ofSeconds(2);
  private static final int MAX_TERMINATION_MESSAGE = 4096;
  private static final long DEFAULT_GRACE_SECONDS = 30;

  private final KubernetesClient client;
  private final ContainerLauncher launcher;
  private final PodVolumes volumes;
  private final ProjectedTokens tokens;
  private final String hostIp;
  private final Path dir;
  private final String namespace;
  private final String name;
  private volatile Pod pod;
  private volatile boolean gone;
  private volatile boolean nodeStopping;
  private volatile Thread thread;

  private final Map<String, ContainerView> views = new LinkedHashMap<>();
  private final Map<String, ContainerProcess> processes = new LinkedHashMap<>();
  private final Map<String, Instant> restartAt = new LinkedHashMap<>();
  private PodStatusComposer.Verdict verdict;
  private boolean volumesReady;
  private Instant startTime;
  private Map<String, Path> mounted = Map.of();
  private PodStatus written;

  PodWorker(KubernetesClient client, ContainerLauncher launcher, PodVolumes volumes, String hostIp, Path dir, Pod pod) {
    this.client = client;
    this.launcher = launcher;
    this.volumes = volumes;
    this.tokens = volumes.tokens(pod);
    this.hostIp = hostIp;
    this.dir = dir;
    this.pod = pod;
    this.namespace = pod.getMetadata().getNamespace();
    this.name = pod.getMetadata().getName();
  }

  /** The informer saw a newer version of the pod. */
  void update(Pod latest) {
    pod = latest;
    wake();
  }

  /** The pod is gone from the API server. */
  void deleted() {
    gone = true;
    wake();
  }

  /** The node stops: end the processes, write nothing more (as when a node dies). */
  void stopNode() {
    nodeStopping = true;
    wake();
  }

  private void wake() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    try {
      lifecycle();
    } catch (RuntimeException | IOException e) {
      LOG.log(Level.WARNING, "pod " + namespace + "/" + name + ": " + e, e);
    } finally {
      stopAll(Duration.ZERO, false);
      deleteDir();
    }
  }

  private void lifecycle() throws IOException {
    Pod p = pod;
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    startTime = Instant.now();
    for (Container c : initContainers(p)) {
      Kind kind = "Always".equals(c.getRestartPolicy()) ? Kind.SIDECAR : Kind.INIT;
      views.put(c.getName(), ContainerView.waiting(c.getName(), c.getImage(), kind, "PodInitializing", null));
    }
    for (Container c : p.getSpec().getContainers()) {
      views.put(c.getName(), ContainerView.waiting(c.getName(), c.getImage(), Kind.REGULAR, "PodInitializing", null));
    }
    if (phase != null && !"Pending".equals(phase)) {
      // Started by an earlier run of this node: its processes are gone with it.
      if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
        verdict = new PodStatusComposer.Verdict("Failed", "NodeRestarted",
            "the process node restarted; the pod's processes ended with it");
        report();
      }
      awaitDeletion();
      return;
    }
    report();
    if (!mountVolumes()) {
      return;
    }
    for (Container c : initContainers(pod)) {
      if (stopping()) {
        break;
      }
      if (!start(c)) {
        break;
      }
      if (views.get(c.getName()).kind() == Kind.INIT && !awaitInit(c.getName())) {
        break;
      }
    }
    if (!stopping() && verdict == null && !initFailed()) {
      for (Container c : pod.getSpec().getContainers()) {
        if (!start(c)) {
          break;
        }
      }
      if (verdict == null) {
        report();
        monitor();
      }
    }
    finish();
  }

  private boolean mountVolumes() throws IOException {
    while (!stopping()) {
      try {
        mounted = volumes.materialise(pod, dir, hostIp, tokens);
        volumesReady = true;
        return true;
      } catch (PodVolumes.MountError e) {
        // As a kubelet: the pod stays ContainerCreating until the Secret or ConfigMap appears.
        firstWaiting("ContainerCreating", "MountVolume.SetUp failed: " + e.getMessage());
        report();
        LockSupport.parkNanos(MOUNT_RETRY.toNanos());
      }
    }
    finish();
    return false;
  }

  private void firstWaiting(String reason, String message) {
    views.replaceAll((k, v) -> v.state() == State.WAITING
        ? ContainerView.waiting(v.name(), v.image(), v.kind(), reason, message) : v);
  }

  /** Starts a container; false (with the pod failed) when it cannot start. */
  private boolean start(Container c) throws IOException {
    ContainerView v = views.get(c.getName());
    try {
      ContainerProcess proc = launcher.start(pod, c, dir, mounted, hostIp);
      processes.put(c.getName(), proc);
      views.put(c.getName(), v.running(proc.startedAt(), "process://" + proc.pid()));
      report();
      return true;
    } catch (ContainerLauncher.StartError e) {
      views.put(c.getName(), ContainerView.waiting(v.name(), v.image(), v.kind(), e.reason, e.getMessage()));
      // The node cannot run this pod as written; end it rather than let it wait for ever.
      verdict = new PodStatusComposer.Verdict("Failed", e.reason, e.getMessage());
      report();
      return false;
    }
  }

  /** Waits for an init container to end; true when it succeeded. */
  private boolean awaitInit(String container) throws IOException {
    while (!stopping()) {
      if (collect(container)) {
        report();
        return views.get(container).succeeded();
      }
      checkDeadline();
      if (verdict != null) {
        return false;
      }
      superviseSidecars();
      tokens.refreshDue();
      LockSupport.parkNanos(TICK.toNanos());
    }
    return false;
  }

  private boolean initFailed() {
    return views.values().stream().anyMatch(v -> v.kind() == Kind.INIT && v.failed());
  }

  /** Runs until every regular container ended, the deadline passed or the pod is being deleted. */
  private void monitor() throws IOException {
    while (!stopping()) {
      boolean changed = false;
      for (Map.Entry<String, ContainerView> e : views.entrySet()) {
        if (e.getValue().kind() == Kind.REGULAR && collect(e.getKey())) {
          changed = true;
        }
      }
      changed |= superviseSidecars();
      tokens.refreshDue();
      checkDeadline();
      if (verdict != null) {
        return;
      }
      if (views.values().stream().filter(v -> v.kind() == Kind.REGULAR).allMatch(v -> v.state() == State.TERMINATED)) {
        // restartPolicy Never: the pod is done; a kubelet then stops the sidecars
        stopSidecars();
        report();
        return;
      }
      if (changed) {
        report();
      }
      LockSupport.parkNanos(TICK.toNanos());
    }
  }

  /** Restarts sidecars that exited while the pod runs, with a growing back-off. */
  private boolean superviseSidecars() throws IOException {
    boolean changed = false;
    for (Container c : initContainers(pod)) {
      ContainerView v = views.get(c.getName());
      if (v.kind() != Kind.SIDECAR || v.state() == State.WAITING && v.restarts() == 0) {
        continue;
      }
      if (v.state() == State.RUNNING && collect(c.getName())) {
        v = views.get(c.getName());
        // a kubelet's back-off: 10 s, doubling up to 5 min (the sidecar usually ends with the pod)
        long backoff = Math.min(300_000L, 10_000L << Math.min(v.restarts(), 5));
        restartAt.put(c.getName(), Instant.now().plusMillis(backoff));
        views.put(c.getName(), v.restarting("CrashLoopBackOff", "back-off " + backoff / 1000
            + "s restarting sidecar " + c.getName() + " (exit code " + v.exitCode() + ")"));
        changed = true;
      } else if (v.state() == State.WAITING && Instant.now().isAfter(restartAt.getOrDefault(c.getName(),
          Instant.MAX))) {
        restartAt.remove(c.getName());
        start(c);
        changed = true;
      }
    }
    return changed;
  }

  /** Records a container's end when its process exited; true when it did just now. */
  private boolean collect(String container) {
    ContainerProcess proc = processes.get(container);
    ContainerView v = views.get(container);
    if (proc == null || v.state() != State.RUNNING || proc.alive()) {
      return false;
    }
    int code = proc.exitCode();
    views.put(container, v.terminated(code, terminationMessage(container, code), Instant.now()));
    return true;
  }

  private String terminationMessage(String container, int code) {
    Container c = containerSpec(container);
    String message = readTail(ContainerLauncher.terminationFile(dir, container), MAX_TERMINATION_MESSAGE, false);
    if (message.isEmpty() && code != 0 && c != null && "FallbackToLogsOnError".equals(c.getTerminationMessagePolicy())) {
      message = readTail(ContainerLauncher.logFile(dir, container), 2048, true);
    }
    return message;
  }

  private static String readTail(Path file, int max, boolean tail) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, max);
      byte[] b = new byte[n];
      f.seek(tail ? len - n : 0);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private void checkDeadline() {
    Long seconds = pod.getSpec().getActiveDeadlineSeconds();
    if (seconds != null && verdict == null && Instant.now().isAfter(startTime.plusSeconds(seconds))) {
      verdict = new PodStatusComposer.Verdict("Failed", "DeadlineExceeded",
          "Pod was active on the node longer than the specified deadline");
      stopAll(Duration.ofSeconds(2), true);
    }
  }

  private void stopSidecars() {
    for (Map.Entry<String, ContainerView> e : new ArrayList<>(views.entrySet())) {
      if (e.getValue().kind() == Kind.SIDECAR) {
        stop(e.getKey(), grace());
      }
    }
  }

  /** Stops every process: regular containers first, then sidecars in reverse order, as a kubelet. */
  private void stopAll(Duration grace, boolean record) {
    List<String> order = new ArrayList<>();
    views.forEach((k, v) -> {
      if (v.kind() == Kind.REGULAR) {
        order.add(k);
      }
    });
    List<String> inits = new ArrayList<>(views.keySet().stream().filter(k -> views.get(k).kind() != Kind.REGULAR)
        .toList());
    Collections.reverse(inits);
    order.addAll(inits);
    for (String c : order) {
      if (record) {
        stop(c, grace);
      } else {
        ContainerProcess p = processes.get(c);
        if (p != null && p.alive()) {
          p.stop(grace);
        }
      }
    }
  }

  private void stop(String container, Duration grace) {
    ContainerProcess p = processes.get(container);
    ContainerView v = views.get(container);
    if (p != null && p.alive()) {
      p.stop(grace);
    }
    if (v.state() == State.RUNNING && p != null) {
      collect(container);
    } else if (v.state() == State.WAITING && v.restarts() > 0) {
      views.put(container, new ContainerView(v.name(), v.image(), v.kind(), State.TERMINATED, "Completed", null, 0,
          null, Instant.now(), v.restarts(), v.containerId()));
    }
  }

  private Duration grace() {
    Pod p = pod;
    Long seconds = p.getMetadata().getDeletionGracePeriodSeconds();
    if (seconds == null) {
      seconds = p.getSpec().getTerminationGracePeriodSeconds();
    }
    return Duration.ofSeconds(seconds == null ? DEFAULT_GRACE_SECONDS : Math.max(0, seconds));
  }

  private boolean stopping() {
    return gone || nodeStopping || pod.getMetadata().getDeletionTimestamp() != null;
  }

  /**
   * Ends the pod: stops whatever still runs (a sidecar after a failed start, everything on
   * deletion, within the deletion grace period), reports the final status, and on deletion
   * removes the pod.
   */
  private void finish() {
    if (nodeStopping || gone) {
      return;
    }
    stopAll(pod.getMetadata().getDeletionTimestamp() != null ? grace() : Duration.ofSeconds(2), true);
    report();
    awaitDeletion();
  }

  /** Waits (after the pod ended) until the pod is deleted, then removes it as a kubelet does. */
  private void awaitDeletion() {
    while (!gone && !nodeStopping) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        stopAll(grace(), false);
        try {
          client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
          LOG.fine(() -> "pod " + namespace + "/" + name + " final delete: " + e.getMessage());
        }
        return;
      }
      LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
    }
  }

  /** Writes the pod's status when it changed. */
  private void report() {
    if (gone || nodeStopping) {
      return;
    }
    Pod p = pod;
    PodStatus next = PodStatusComposer.compose(written != null ? written : p.getStatus(),
        List.copyOf(views.values()), volumesReady, verdict, hostIp, startTime, Instant.now());
    if (next.equals(written)) {
      return;
    }
    try {
      client.pods().inNamespace(namespace).withName(name).editStatus(current -> {
        PodStatus merged = PodStatusComposer.compose(current.getStatus(), List.copyOf(views.values()), volumesReady,
            verdict, hostIp, startTime, Instant.now());
        current.setStatus(merged);
        return current;
      });
      written = next;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        gone = true;
      } else {
        LOG.warning("pod " + namespace + "/" + name + ": status not written: " + e.getMessage());
      }
    }
  }

  private Container containerSpec(String name) {
    for (Container c : initContainers(pod)) {
      if (c.getName().equals(name)) {
        return c;
      }
    }
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElse(null);
  }

  private static List<Container> initContainers(Pod p) {
    return p.getSpec().getInitContainers() == null ? List.of() : p.getSpec().getInitContainers();
  }

  private void deleteDir() {
    if (!Boolean.getBoolean("circlet.processNode.keepPodDirs")) {
      try (var s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException | UncheckedIOException ignored) {
        // best effort: a temp directory
      }
    }
  }
}
