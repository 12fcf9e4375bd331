package dev.circlet.kubetest;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real, local Kubernetes control plane on loopback for integration tests: etcd, kube-apiserver,
 * kube-controller-manager (garbage collector, namespace, service account, job, ... controllers),
 * kube-scheduler and kwok, which simulates the nodes and the pods' lifecycle.
 *
 * <p>Everything runs as child processes with random free ports on 127.0.0.1 and a temporary data
 * directory; {@link #close()} (or the JVM shutdown hook, or a watchdog process when the JVM is
 * killed) ends them and deletes the directory. Binaries come from {@code hack/kube-binaries.sh}
 * (see {@link KubeBinaries}).
 *
 * <p>Pods are scheduled by the real scheduler onto kwok nodes ({@link #addNodePool}); kwok makes a
 * bound pod Running. A pod terminates when it is annotated {@code circlet.dev/fake-exit-code=N}
 * (optionally {@code circlet.dev/fake-run-duration=3s}), or at once through {@link FakeKubelet}.
 */
public final class KubeControlPlane implements AutoCloseable {

  public static final String KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";
  public static final String FAKE_EXIT_CODE_ANNOTATION = "circlet.dev/fake-exit-code";
  public static final String FAKE_RUN_DURATION_ANNOTATION = "circlet.dev/fake-run-duration";
  public static final String SERVICE_CLUSTER_IP_RANGE = "10.96.0.0/16";
  public static final String POD_CIDR = "10.244.0.0/16";
  public static final String SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";
  /** The admin user's name; it is in group {@code system:masters}. */
  public static final String ADMIN_USER = "circlet-admin";

  private final Path binDir;
  private final ControlPlaneDirectory dir;
  private final ControlPlanePki pki;
  private final ControlPlaneProcesses processes;
  private final ComponentLauncher launcher;
  private final ReadinessPoller poller;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;
  private final boolean keepDataDir = Boolean.getBoolean("circlet.kube.keepDataDir");
  private Path kubeconfig;
  private KubernetesClient client;
  private ClusterObjects objects;
  private Duration startupTime;

  private KubeControlPlane(Path binDir, ControlPlaneDirectory dir, Duration timeout) {
    this.binDir = binDir;
    this.dir = dir;
    this.pki = new ControlPlanePki(dir.pki());
    this.processes = new ControlPlaneProcesses(dir.root(), dir.logs());
    this.launcher = new ComponentLauncher(binDir, dir, pki, processes);
    this.poller = new ReadinessPoller(timeout, pki.token(), processes);
    this.shutdownHook = new Thread(this::close, "circlet-kube-shutdown");
  }

  /** Starts a control plane with the {@linkplain NodePool#DEFAULTS default node pools}. */
  public static KubeControlPlane start() {
    return start(NodePool.DEFAULTS);
  }

  /** Starts a control plane with the given node pools (none when the list is empty). */
  public static KubeControlPlane start(List<NodePool> nodePools) {
    long t0 = System.nanoTime();
    Path bin = KubeBinaries.ensure();
    Duration timeout = Duration.ofSeconds(Long.getLong("circlet.kube.startTimeoutSeconds", 90));
    KubeControlPlane cp = new KubeControlPlane(bin, ControlPlaneDirectory.createTemp(), timeout);
    Runtime.getRuntime().addShutdownHook(cp.shutdownHook);
    try {
      cp.startAll(nodePools);
    } catch (RuntimeException | Error e) {
      cp.close();
      throw e;
    }
    cp.startupTime = Duration.ofNanos(System.nanoTime() - t0);
    log("control plane ready in " + cp.startupTime.toMillis() + " ms: " + cp.masterUrl() + ", kubeconfig "
        + cp.kubeconfig + ", binaries " + bin);
    return cp;
  }

  private void startAll(List<NodePool> nodePools) {
    try {
      dir.prepare();
      processes.startWatchdog();
      launcher.allocatePorts();
      pki.writeServiceAccountKeys();
      pki.writeTokenFile();
      dir.writeKwokConfig();

      long t = System.nanoTime();
      ManagedProcess etcd = launcher.startEtcd();
      poller.awaitHttps("etcd /health", etcdUrl() + "/health", false, List.of(etcd));
      long etcdMs = millisSince(t);
      ManagedProcess apiserver = launcher.startApiserver();
      poller.awaitHttps("kube-apiserver /readyz", masterUrl() + "/readyz", true, List.of(etcd, apiserver));
      long apiserverMs = millisSince(t);

      pki.readApiserverCa();
      kubeconfig = dir.kubeconfig();
      pki.writeKubeconfig(kubeconfig, masterUrl());

      ManagedProcess kcm = launcher.startControllerManager(kubeconfig);
      ManagedProcess scheduler = launcher.startScheduler(kubeconfig);
      launcher.startKwok(kubeconfig);

      client = newClient();
      objects = new ClusterObjects(client, poller);
      for (NodePool p : nodePools) {
        objects.createNodes(p);
      }
      for (NodePool p : nodePools) {
        objects.awaitNodesReady(p);
      }
      long nodesMs = millisSince(t);
      poller.awaitHttps("kube-controller-manager /healthz", launcher.controllerManagerHealthUrl(), false,
          List.of(kcm));
      long kcmMs = millisSince(t);
      poller.awaitHttps("kube-scheduler /healthz", launcher.schedulerHealthUrl(), false, List.of(scheduler));
      objects.awaitDefaultServiceAccount("default");
      log("ready after (ms since etcd start): etcd " + etcdMs + ", kube-apiserver " + apiserverMs + ", kwok nodes "
          + nodesMs + ", kube-controller-manager " + kcmMs + ", kube-scheduler and default ServiceAccount "
          + millisSince(t));
    } catch (IOException e) {
      throw new KubeControlPlaneException("cannot prepare " + dir.root() + ": " + e, e);
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void log(String msg) {
    System.err.println("[circlet-kube-test] " + msg);
  }

  // ------------------------------------------------------------------------------------------ API

  /** The kubeconfig of the admin user (group {@code system:masters}), default namespace {@code default}. */
  public Path kubeconfigPath() {
    return kubeconfig;
  }

  /** The shared admin client. Don't close it; {@link #newClient()} gives one of your own. */
  public KubernetesClient client() {
    return client;
  }

  /** {@code https://127.0.0.1:<port>} */
  public String masterUrl() {
    return launcher.apiserverUrl();
  }

  /** A fresh client configuration for the admin user (never read from ~/.kube or the environment). */
  public Config config() {
    return pki.clientConfig(masterUrl());
  }

  /** A new admin client that the caller closes. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /** The admin user's bearer token. */
  public String adminToken() {
    return pki.token();
  }

  /** PEM of the CA that signed the apiserver's serving certificate. */
  public String caCertPem() {
    return pki.caPem();
  }

  public Path dataDir() {
    return dir.root();
  }

  /**
   * The PKCS#8 PEM key the API server signs ServiceAccount tokens with, for tests that need a token
   * the TokenRequest API will not issue (one that has already expired).
   */
  public Path serviceAccountSigningKey() {
    return pki.serviceAccountPrivateKey();
  }

  public Path binDir() {
    return binDir;
  }

  /** The log file of one component: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok. */
  public Path logFile(String component) {
    return dir.logs().resolve(component + ".log");
  }

  /** How long {@link #start} took, binaries included. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The etcd client URL ({@code http://127.0.0.1:<port>}). */
  public String etcdUrl() {
    return launcher.etcdUrl();
  }

  public FakeKubelet fakeKubelet() {
    return new FakeKubelet(client);
  }

  /** Throws with the log's tail when a component has exited. */
  public void assertRunning() {
    processes.assertRunning();
  }

  /**
   * Adds {@code nodes} kwok-managed nodes {@code <pool>-<i>} labelled {@code circlet.dev/pool=<pool>},
   * {@code type=kwok} and {@code labels} ({@code kubernetes.io/arch} defaults to amd64), with the
   * given taints and capacity, and waits until kwok reports them Ready.
   */
  public List<Node> addNodePool(String pool, int nodes, Map<String, String> labels, List<Taint> taints, String cpu,
      String memory) {
    return addNodePool(new NodePool(pool, nodes, labels, taints, cpu, memory));
  }

  public List<Node> addNodePool(NodePool pool) {
    List<Node> created = objects.createNodes(pool);
    objects.awaitNodesReady(pool);
    return created;
  }

  /** Deletes the nodes of a pool (pods bound to them stay, as on a real cluster without a node controller). */
  public void removeNodePool(String pool) {
    objects.deleteNodes(pool);
  }

  /**
   * Creates a namespace (unless it exists) and waits for its {@code default} ServiceAccount, which
   * the ServiceAccount admission plugin needs before it admits pods.
   */
  public Namespace createNamespace(String name) {
    return objects.createNamespace(name);
  }

  /**
   * Server-side applies every CustomResourceDefinition found in the YAML files ({@code .yaml},
   * {@code .yml}) under {@code dir} (other kinds are skipped) and waits until each is Established.
   *
   * @return the names of the CRDs applied
   */
  public List<String> applyCrds(Path dir) {
    return objects.applyCrds(dir);
  }

  // ------------------------------------------------------------------------------------------ stop

  /** Stops every process (SIGTERM, then SIGKILL after a grace period) and deletes the data directory. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long t = System.nanoTime();
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException ignored) {
        // already shutting down
      }
    }
    if (client != null) {
      try {
        client.close();
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
    if (keepDataDir) {
      dir.markKept();
    }
    processes.stop();
    if (keepDataDir) {
      log("kept the data directory " + dir.root());
    } else {
      dir.delete();
    }
    log("control plane stopped in " + millisSince(t) + " ms"
        + (Thread.currentThread() == shutdownHook ? " (JVM shutdown hook)" : ""));
  }

  @Override
  public String toString() {
    return "KubeControlPlane[" + (client == null ? "starting" : masterUrl()) + ", " + dir.root() + "]";
  }
}
