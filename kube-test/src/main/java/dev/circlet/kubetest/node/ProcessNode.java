package dev.circlet.kubetest.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Kubernetes node whose "containers" are local processes — a test and development tool, never
 * part of a Circlet installation. It registers a Node (Ready, with the configured labels, taints
 * and capacity), renews its Lease in {@code kube-node-lease} and its Ready condition, and acts as
 * the kubelet of every pod the scheduler binds to it (see {@link PodWorker}). Images are never
 * pulled: an {@link ImageMap} says what each runs. {@link #close()} ends the local processes and
 * marks the node NotReady and unschedulable, leaving the pods as a failed node would.
 */
public final class ProcessNode implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ProcessNode.class.getName());
  private static final String HOST_IP = "127.0.0.1";
  static final int LEASE_SECONDS = 40;

  private final KubernetesClient client;
  private final ProcessNodeConfig config;
  private final ContainerLauncher launcher;
  private final PodVolumes volumes;
  private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService heartbeat;
  private SharedIndexInformer<Pod> informer;
  private volatile boolean closed;

  private ProcessNode(KubernetesClient client, ProcessNodeConfig config) {
    this.client = client;
    this.config = config;
    this.volumes = new PodVolumes(client, config.tokenRefresh(), java.time.Clock.systemUTC());
    Map<String, String> base = new LinkedHashMap<>();
    base.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    base.put("LANG", "C.UTF-8");
    URI master = URI.create(client.getConfiguration().getMasterUrl());
    base.put("KUBERNETES_SERVICE_HOST", master.getHost());
    base.put("KUBERNETES_SERVICE_PORT", String.valueOf(master.getPort() == -1 ? 443 : master.getPort()));
    this.launcher = new ContainerLauncher(config.imageMap(), config.hostContainers(), new PodEnvironment(volumes),
        base);
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "process-node-heartbeat-" + config.nodeName());
      t.setDaemon(true);
      return t;
    });
  }

  /** Registers the node, starts heartbeats and begins running the pods bound to it. */
  public static ProcessNode start(KubernetesClient client, ProcessNodeConfig config) {
    ProcessNode node = new ProcessNode(client, config);
    try {
      Files.createDirectories(config.workDir());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the work directory " + config.workDir() + ": " + e, e);
    }
    node.register();
    node.renewLease();
    long every = config.heartbeat().toMillis();
    node.heartbeat.scheduleWithFixedDelay(node::beat, every, every, TimeUnit.MILLISECONDS);
    node.informer = client.pods().inAnyNamespace().withField("spec.nodeName", config.nodeName())
        .inform(node.handler(), 0);
    LOG.info("process node " + config.nodeName() + " (pool " + config.pool() + ") ready; pods run in "
        + config.workDir());
    return node;
  }

  public String name() {
    return config.nodeName();
  }

  /** Where a pod's directory is: volumes, container links, logs. */
  public Path podDir(String namespace, String pod) {
    return config.workDir().resolve("pods").resolve(namespace + "_" + pod);
  }

  private ResourceEventHandler<Pod> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        dispatch(pod);
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        dispatch(pod);
      }

      @Override
      public void onDelete(Pod pod, boolean unknown) {
        PodWorker w = workers.remove(pod.getMetadata().getUid());
        if (w != null) {
          w.deleted();
        }
      }
    };
  }

  private void dispatch(Pod pod) {
    if (closed) {
      return;
    }
    String uid = pod.getMetadata().getUid();
    PodWorker w = workers.get(uid);
    if (w != null) {
      w.update(pod);
      return;
    }
    Path dir = podDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    PodWorker created = new PodWorker(client, launcher, volumes, HOST_IP, dir, pod);
    if (workers.putIfAbsent(uid, created) == null) {
      Thread t = new Thread(() -> {
        try {
          created.run();
        } finally {
          workers.remove(uid, created);
        }
      }, "process-node-pod-" + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
      t.setDaemon(true);
      t.start();
    }
  }

  private void register() {
    Node desired = new NodeBuilder()
        .withNewMetadata().withName(config.nodeName()).withLabels(config.nodeLabels())
        .withAnnotations(Map.of("circlet.dev/process-node", "test and development only")).endMetadata()
        .withNewSpec().withTaints(config.taints().isEmpty() ? null : config.taints()).withUnschedulable(false)
        .endSpec()
        .build();
    Node existing = client.nodes().withName(config.nodeName()).get();
    if (existing == null) {
      try {
        client.nodes().resource(desired).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    onConflictRetry(() -> client.nodes().withName(config.nodeName()).edit(n -> {
      n.getMetadata().setLabels(config.nodeLabels());
      n.getSpec().setTaints(config.taints().isEmpty() ? null : config.taints());
      n.getSpec().setUnschedulable(null);
      return n;
    }));
    writeNodeStatus(true, "KubeletReady", "process node is posting ready status");
  }

  private void writeNodeStatus(boolean ready, String reason, String message) {
    Map<String, Quantity> capacity = new LinkedHashMap<>();
    capacity.put("cpu", new Quantity(config.cpu()));
    capacity.put("memory", new Quantity(config.memory()));
    capacity.put("pods", new Quantity(String.valueOf(config.maxPods())));
    capacity.put("ephemeral-storage", new Quantity("100Gi"));
    String now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toInstant().toString();
    onConflictRetry(() -> client.nodes().withName(config.nodeName()).editStatus(n -> {
      var status = n.getStatus();
      status.setCapacity(capacity);
      status.setAllocatable(new LinkedHashMap<>(capacity));
      status.setAddresses(List.of(
          new NodeAddress(HOST_IP, "InternalIP"),
          new NodeAddress(config.nodeName(), "Hostname")));
      var info = new NodeSystemInfo();
      info.setArchitecture(config.nodeLabels().getOrDefault("kubernetes.io/arch", "amd64"));
      info.setOperatingSystem("linux");
      info.setKubeletVersion("v1.34.4-circlet-process-node");
      info.setContainerRuntimeVersion("process://local");
      info.setKernelVersion(System.getProperty("os.version"));
      info.setOsImage("process node");
      info.setMachineID("");
      info.setSystemUUID("");
      info.setBootID("");
      info.setKubeProxyVersion("");
      status.setNodeInfo(info);
      String readyStatus = ready ? "True" : "False";
      NodeCondition old = status.getConditions() == null ? null : status.getConditions().stream()
          .filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
      String since = old != null && readyStatus.equals(old.getStatus()) ? old.getLastTransitionTime() : now;
      status.setConditions(List.of(
          pressure("MemoryPressure", "KubeletHasSufficientMemory", now),
          pressure("DiskPressure", "KubeletHasNoDiskPressure", now),
          pressure("PIDPressure", "KubeletHasSufficientPID", now),
          new NodeConditionBuilder().withType("Ready").withStatus(readyStatus).withReason(reason)
              .withMessage(message).withLastHeartbeatTime(now).withLastTransitionTime(since).build()));
      return n;
    }));
  }

  /**
   * Runs a read-modify-write again when the API server reports a conflict: the control plane's
   * own controllers (node lifecycle, taint manager) write the same Node between our read and our
   * write, as they do against a real kubelet, which retries the same way.
   */
  private static void onConflictRetry(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private static NodeCondition pressure(String type, String reason, String now) {
    return new NodeConditionBuilder().withType(type).withStatus("False").withReason(reason)
        .withLastHeartbeatTime(now).withLastTransitionTime(now).build();
  }

  private void beat() {
    try {
      renewLease();
      writeNodeStatus(true, "KubeletReady", "process node is posting ready status");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "process node " + config.nodeName() + ": heartbeat failed: " + e.getMessage());
    }
  }

  private void renewLease() {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    String holder = config.nodeName();
    var leases = client.leases().inNamespace("kube-node-lease");
    Lease lease = leases.withName(holder).get();
    if (lease == null) {
      Node node = client.nodes().withName(holder).get();
      Lease fresh = new LeaseBuilder()
          .withNewMetadata().withName(holder).withNamespace("kube-node-lease")
          .addNewOwnerReference().withApiVersion("v1").withKind("Node").withName(holder)
          .withUid(node.getMetadata().getUid()).endOwnerReference().endMetadata()
          .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(LEASE_SECONDS).withRenewTime(now)
          .endSpec().build();
      try {
        leases.resource(fresh).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      return;
    }
    onConflictRetry(() -> leases.withName(holder).edit(l -> {
      l.getSpec().setHolderIdentity(holder);
      l.getSpec().setLeaseDurationSeconds(LEASE_SECONDS);
      l.getSpec().setRenewTime(now);
      return l;
    }));
  }

  /** Pods this node currently runs (by uid). */
  public int activePods() {
    return workers.size();
  }

  /**
   * Stops heartbeats and pod handling, ends every local process, and marks the node NotReady and
   * unschedulable. Pods bound to it keep their last status, as on a node that failed.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.shutdownNow();
    try {
      // a beat in flight must not write Ready=True after the NotReady below
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (informer != null) {
      informer.close();
    }
    workers.values().forEach(PodWorker::stopNode);
    try {
      onConflictRetry(() -> client.nodes().withName(config.nodeName()).edit(n -> {
        n.getSpec().setUnschedulable(true);
        return n;
      }));
      writeNodeStatus(false, "KubeletNotReady", "process node stopped");
    } catch (KubernetesClientException e) {
      LOG.warning("process node " + config.nodeName() + ": cannot mark the node NotReady: " + e.getMessage());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!workers.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  /** {@link #close()}, then deletes the Node object (its Lease goes with it through the garbage collector). */
  public void closeAndDeregister() {
    close();
    try {
      client.nodes().withName(config.nodeName()).delete();
    } catch (KubernetesClientException e) {
      LOG.warning("process node " + config.nodeName() + ": cannot delete the node: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "ProcessNode[" + config.nodeName() + ", pool " + config.pool() + ", " + config.workDir() + "]";
  }
}
