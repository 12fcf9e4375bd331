package dev.circlet.kubetest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

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

  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final Path binDir;
  private final Path dataDir;
  private final Path pkiDir;
  private final Path logDir;
  private final Duration timeout;
  private final String token;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;
  private final boolean keepDataDir = Boolean.getBoolean("circlet.kube.keepDataDir");
  private Process watchdog;
  private int etcdPort;
  private int apiserverPort;
  private int controllerManagerPort;
  private int schedulerPort;
  private String caPem;
  private Path kubeconfig;
  private KubernetesClient client;
  private Duration startupTime;

  private KubeControlPlane(Path binDir, Path dataDir, Duration timeout) {
    this.binDir = binDir;
    this.dataDir = dataDir;
    this.pkiDir = dataDir.resolve("pki");
    this.logDir = dataDir.resolve("logs");
    this.timeout = timeout;
    byte[] t = new byte[24];
    new SecureRandom().nextBytes(t);
    this.token = HexFormat.of().formatHex(t);
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
    Path dir;
    try {
      dir = Files.createTempDirectory("circlet-kube-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    KubeControlPlane cp = new KubeControlPlane(bin, dir, timeout);
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

  // ------------------------------------------------------------------------------------------ start

  private void startAll(List<NodePool> nodePools) {
    try {
      Files.createDirectories(pkiDir);
      Files.createDirectories(logDir);
      Files.createDirectories(dataDir.resolve("etcd"));
      Files.writeString(dataDir.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
      startWatchdog();
      int[] ports = freePorts(5);
      etcdPort = ports[0];
      int etcdPeerPort = ports[1];
      apiserverPort = ports[2];
      controllerManagerPort = ports[3];
      schedulerPort = ports[4];
      writeServiceAccountKeys();
      Files.writeString(pkiDir.resolve("tokens.csv"),
          token + "," + ADMIN_USER + "," + ADMIN_USER + ",\"system:masters\"\n");
      Files.writeString(dataDir.resolve("kwok.yaml"), resource("kwok-stages.yaml"));

      long t = System.nanoTime();
      ManagedProcess etcd = spawn("etcd", List.of(bin("etcd"),
          "--name=circlet",
          "--data-dir=" + dataDir.resolve("etcd"),
          "--listen-client-urls=http://127.0.0.1:" + etcdPort,
          "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
          "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort,
          "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
          "--initial-cluster=circlet=http://127.0.0.1:" + etcdPeerPort,
          "--unsafe-no-fsync=true",
          "--log-level=warn"));
      awaitHttps("etcd /health", etcdUrl() + "/health", false, List.of(etcd));
      long etcdMs = millisSince(t);
      ManagedProcess apiserver = spawn("kube-apiserver", List.of(bin("kube-apiserver"),
          "--etcd-servers=http://127.0.0.1:" + etcdPort,
          "--bind-address=127.0.0.1",
          "--advertise-address=127.0.0.1",
          "--secure-port=" + apiserverPort,
          "--cert-dir=" + pkiDir.resolve("apiserver"),
          "--token-auth-file=" + pkiDir.resolve("tokens.csv"),
          "--authorization-mode=RBAC",
          "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
          "--service-account-key-file=" + pkiDir.resolve("sa.pub"),
          "--service-account-signing-key-file=" + pkiDir.resolve("sa.key"),
          "--service-cluster-ip-range=" + SERVICE_CLUSTER_IP_RANGE,
          // node readiness is kwok's business; no not-ready taint on new nodes (see the KCM's controllers)
          "--disable-admission-plugins=TaintNodesByCondition",
          "--endpoint-reconciler-type=none",
          "--enable-priority-and-fairness=false",
          "--allow-privileged=true",
          "--profiling=false",
          "--event-ttl=15m"));
      awaitHttps("kube-apiserver /readyz", "https://127.0.0.1:" + apiserverPort + "/readyz", true,
          List.of(etcd, apiserver));
      long apiserverMs = millisSince(t);

      caPem = Pem.lastPemCertificate(Files.readString(pkiDir.resolve("apiserver").resolve("apiserver.crt")));
      Files.writeString(pkiDir.resolve("ca.crt"), caPem);
      kubeconfig = dataDir.resolve("kubeconfig");
      Files.writeString(kubeconfig, kubeconfigYaml());

      String kc = kubeconfig.toString();
      ManagedProcess kcm = spawn("kube-controller-manager", List.of(bin("kube-controller-manager"),
          "--kubeconfig=" + kc,
          "--authentication-kubeconfig=" + kc,
          "--authorization-kubeconfig=" + kc,
          "--bind-address=127.0.0.1",
          "--secure-port=" + controllerManagerPort,
          "--cert-dir=" + pkiDir.resolve("kube-controller-manager"),
          // the apiserver has no client CA or request-header config: nothing to look up
          "--authentication-skip-lookup=true",
          "--leader-elect=false",
          "--cluster-name=circlet",
          // every default controller except node lifecycle: kwok nodes are Ready or gone
          "--controllers=*,-node-lifecycle-controller",
          "--service-account-private-key-file=" + pkiDir.resolve("sa.key"),
          "--root-ca-file=" + pkiDir.resolve("ca.crt"),
          "--use-service-account-credentials=false",
          "--profiling=false"));
      ManagedProcess scheduler = spawn("kube-scheduler", List.of(bin("kube-scheduler"),
          "--kubeconfig=" + kc,
          "--authentication-kubeconfig=" + kc,
          "--authorization-kubeconfig=" + kc,
          "--bind-address=127.0.0.1",
          "--secure-port=" + schedulerPort,
          "--cert-dir=" + pkiDir.resolve("kube-scheduler"),
          "--authentication-skip-lookup=true",
          "--leader-elect=false",
          "--profiling=false"));
      spawn("kwok", List.of(bin("kwok"),
          "--kubeconfig=" + kc,
          "--config=" + dataDir.resolve("kwok.yaml"),
          "--manage-all-nodes=false",
          "--manage-nodes-with-annotation-selector=" + KWOK_NODE_ANNOTATION + "=fake",
          "--cidr=" + POD_CIDR,
          "--node-ip=10.240.0.1"));

      client = newClient();
      for (NodePool p : nodePools) {
        createNodes(p);
      }
      for (NodePool p : nodePools) {
        awaitNodesReady(p);
      }
      long nodesMs = millisSince(t);
      awaitHttps("kube-controller-manager /healthz", "https://127.0.0.1:" + controllerManagerPort + "/healthz",
          false, List.of(kcm));
      long kcmMs = millisSince(t);
      awaitHttps("kube-scheduler /healthz", "https://127.0.0.1:" + schedulerPort + "/healthz", false,
          List.of(scheduler));
      // the service account controller (KCM) gives every namespace its "default" ServiceAccount
      awaitDefaultServiceAccount("default");
      log("ready after (ms since etcd start): etcd " + etcdMs + ", kube-apiserver " + apiserverMs + ", kwok nodes "
          + nodesMs + ", kube-controller-manager " + kcmMs + ", kube-scheduler and default ServiceAccount "
          + millisSince(t));
    } catch (IOException e) {
      throw new KubeControlPlaneException("cannot prepare " + dataDir + ": " + e, e);
    }
  }

  private String bin(String name) {
    return binDir.resolve(name).toString();
  }

  private ManagedProcess spawn(String name, List<String> command) throws IOException {
    ManagedProcess p = ManagedProcess.start(name, command, dataDir, logDir);
    synchronized (processes) {
      processes.add(p);
    }
    Files.writeString(dataDir.resolve("pids"), p.pid() + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    return p;
  }

  /**
   * A small shell process that outlives a killed JVM: once the JVM is gone it kills the recorded
   * child processes and removes the data directory. {@link #close()} ends it first.
   */
  private void startWatchdog() throws IOException {
    String dir = dataDir.toString().replace("'", "'\\''");
    String script = "jvm=" + ProcessHandle.current().pid() + "; dir='" + dir + "'\n"
        + "while kill -0 \"$jvm\" 2>/dev/null && [ -d \"$dir\" ]; do sleep 2; done\n"
        + "[ -f \"$dir/pids\" ] && kill -9 $(cat \"$dir/pids\") 2>/dev/null\n"
        + "[ -f \"$dir/keep\" ] || rm -rf \"$dir\"\n";
    watchdog = new ProcessBuilder("sh", "-c", script)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private void writeServiceAccountKeys() throws IOException {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      KeyPair kp = gen.generateKeyPair();
      Path key = pkiDir.resolve("sa.key");
      Files.writeString(key, Pem.pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
      try {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      Files.writeString(pkiDir.resolve("sa.pub"), Pem.pem("PUBLIC KEY", kp.getPublic().getEncoded()));
    } catch (java.security.GeneralSecurityException e) {
      throw new KubeControlPlaneException("cannot generate the service account key pair", e);
    }
  }

  private String kubeconfigYaml() {
    String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: circlet-test
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: circlet-test
          context:
            cluster: circlet-test
            user: %s
            namespace: default
        current-context: circlet-test
        """.formatted(masterUrl(), ca, ADMIN_USER, token, ADMIN_USER);
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private void awaitHttps(String what, String url, boolean withToken, List<ManagedProcess> watched) {
    HttpClient http = HttpClient.newBuilder()
        .sslContext(Pem.trustAllSslContext())
        .connectTimeout(Duration.ofSeconds(2))
        .build();
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
    if (withToken) {
      rb.header("Authorization", "Bearer " + token);
    }
    HttpRequest request = rb.build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    try {
      while (true) {
        for (ManagedProcess p : watched) {
          p.checkAlive();
        }
        try {
          HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            return;
          }
          last = "HTTP " + r.statusCode() + ": " + r.body();
        } catch (IOException e) {
          last = e.toString();
        }
        if (System.nanoTime() > deadline) {
          StringBuilder sb = new StringBuilder(what + " not ready after " + timeout.toSeconds() + "s; last answer: "
              + last);
          for (ManagedProcess p : watched) {
            sb.append('\n').append(p.describeLog());
          }
          throw new KubeControlPlaneException(sb.toString());
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubeControlPlaneException("interrupted while waiting for " + what, e);
    } finally {
      http.close();
    }
  }

  private void awaitDefaultServiceAccount(String namespace) {
    await("ServiceAccount " + namespace + "/default", () -> client.serviceAccounts().inNamespace(namespace)
        .withName("default").get() != null, "kube-controller-manager");
  }

  /** Polls {@code condition} every 100 ms until it holds or the start timeout passes. */
  private void await(String what, BooleanSupplier condition, String blame) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      assertRunning();
      RuntimeException lastError = null;
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (KubernetesClientException e) {
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        String logs = processes.stream().filter(p -> p.name().equals(blame)).map(ManagedProcess::describeLog)
            .findFirst().orElse("");
        throw new KubeControlPlaneException("timed out after " + timeout.toSeconds() + "s waiting for " + what
            + (lastError == null ? "" : " (last error: " + lastError + ")") + "\n" + logs, lastError);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KubeControlPlaneException("interrupted while waiting for " + what, e);
      }
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void log(String msg) {
    System.err.println("[circlet-kube-test] " + msg);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = KubeControlPlane.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
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
    return "https://127.0.0.1:" + apiserverPort;
  }

  /** A fresh client configuration for the admin user (never read from ~/.kube or the environment). */
  public Config config() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(masterUrl())
        .withCaCertData(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)))
        .withOauthToken(token)
        .withNamespace("default")
        .withRequestTimeout(30_000)
        .withConnectionTimeout(10_000)
        .build();
  }

  /** A new admin client that the caller closes. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /** The admin user's bearer token. */
  public String adminToken() {
    return token;
  }

  /** PEM of the CA that signed the apiserver's serving certificate. */
  public String caCertPem() {
    return caPem;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path binDir() {
    return binDir;
  }

  /** The log file of one component: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok. */
  public Path logFile(String component) {
    return logDir.resolve(component + ".log");
  }

  /** How long {@link #start} took, binaries included. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The etcd client URL ({@code http://127.0.0.1:<port>}). */
  public String etcdUrl() {
    return "http://127.0.0.1:" + etcdPort;
  }

  public FakeKubelet fakeKubelet() {
    return new FakeKubelet(client);
  }

  /** Throws with the log's tail when a component has exited. */
  public void assertRunning() {
    synchronized (processes) {
      for (ManagedProcess p : processes) {
        p.checkAlive();
      }
    }
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
    List<Node> created = createNodes(pool);
    awaitNodesReady(pool);
    return created;
  }

  /** Deletes the nodes of a pool (pods bound to them stay, as on a real cluster without a node controller). */
  public void removeNodePool(String pool) {
    client.nodes().withLabel(NodePool.POOL_LABEL, pool).delete();
  }

  private List<Node> createNodes(NodePool pool) {
    List<Node> created = new ArrayList<>();
    for (Node node : pool.toNodes()) {
      created.add(client.nodes().resource(node).create());
    }
    return created;
  }

  private void awaitNodesReady(NodePool pool) {
    await("kwok to make the " + pool.nodes() + " nodes of pool " + pool.name() + " Ready", () -> {
      List<Node> nodes = client.nodes().withLabel(NodePool.POOL_LABEL, pool.name()).list().getItems();
      return nodes.size() >= pool.nodes() && nodes.stream().allMatch(Readiness::isReady);
    }, "kwok");
  }

  /**
   * Creates a namespace (unless it exists) and waits for its {@code default} ServiceAccount, which
   * the ServiceAccount admission plugin needs before it admits pods.
   */
  public Namespace createNamespace(String name) {
    Namespace ns = client.namespaces().withName(name).get();
    if (ns == null) {
      ns = client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    awaitDefaultServiceAccount(name);
    return ns;
  }

  /**
   * Server-side applies every CustomResourceDefinition found in the YAML files ({@code .yaml},
   * {@code .yml}) under {@code dir} (other kinds are skipped) and waits until each is Established.
   *
   * @return the names of the CRDs applied
   */
  public List<String> applyCrds(Path dir) {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted(Comparator.naturalOrder())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> names = new ArrayList<>();
    for (Path f : files) {
      List<HasMetadata> items;
      try (InputStream in = Files.newInputStream(f)) {
        items = client.load(in).items();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (HasMetadata item : items) {
        if (item instanceof CustomResourceDefinition crd) {
          client.apiextensions().v1().customResourceDefinitions().resource(crd)
              .fieldManager("circlet-kube-test").forceConflicts().serverSideApply();
          names.add(crd.getMetadata().getName());
        }
      }
    }
    for (String name : names) {
      client.apiextensions().v1().customResourceDefinitions().withName(name)
          .waitUntilCondition(c -> c != null && Readiness.isEstablished(c), timeout.toSeconds(), TimeUnit.SECONDS);
    }
    return names;
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
      try {
        Files.writeString(dataDir.resolve("keep"), "");
      } catch (IOException ignored) {
        // best effort
      }
    }
    if (watchdog != null) {
      watchdog.destroyForcibly();
    }
    List<ManagedProcess> ps;
    synchronized (processes) {
      ps = new ArrayList<>(processes);
    }
    // clients first, etcd last, so that nothing logs a storm of connection errors
    List<ManagedProcess> etcd = ps.stream().filter(p -> p.name().equals("etcd")).toList();
    List<ManagedProcess> others = ps.stream().filter(p -> !p.name().equals("etcd")).toList();
    others.forEach(ManagedProcess::terminate);
    others.forEach(p -> p.awaitStopped(STOP_GRACE));
    etcd.forEach(ManagedProcess::terminate);
    etcd.forEach(p -> p.awaitStopped(STOP_GRACE));
    if (keepDataDir) {
      log("kept the data directory " + dataDir);
    } else {
      deleteRecursively(dataDir);
    }
    log("control plane stopped in " + millisSince(t) + " ms"
        + (Thread.currentThread() == shutdownHook ? " (JVM shutdown hook)" : ""));
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "KubeControlPlane[" + (client == null ? "starting" : masterUrl()) + ", " + dataDir + "]";
  }
}
