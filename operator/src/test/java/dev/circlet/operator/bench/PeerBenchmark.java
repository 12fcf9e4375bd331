package dev.circlet.operator.bench;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.KubernetesClientTuning;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Circlet's operator and Argo Workflows' controller side by side on one real API server (kube-test):
 * each turns the same number of units (Builds; one-container Workflows) into pods that no
 * scheduler serves, after a warm-up of its own, with the creating client in this JVM and the
 * controller in its own process. Prints, per controller: units → pods per second, create → pod
 * p50/p99, API writes per unit (the API server's {@code apiserver_request_total}) and CPU ms per
 * unit of the API server, etcd and the controller.
 *
 * <p>Usage: {@code PeerBenchmark --argo BIN --argo-crds DIR [--units 2000] [--warmup 500] [--orgs 20]
 * [--concurrency 32] [--argo-workers 256,32] [--argo-qps 1000] [--operator-java-opts "…"]}
 * (default: {@link BenchOperator#SHIPPED_JAVA_OPTS}, the image's settings).
 * Without {@code --argo} only Circlet runs.
 */
public final class PeerBenchmark {
  static final String ARGO_NAMESPACE = "argo-bench";

  private PeerBenchmark() {}

  record Options(String argo, String argoCrds, int units, int warmup, int orgs, int concurrency, List<Integer> argoWorkers,
      int argoQps, String operatorJavaOpts) {
    static Options parse(String[] args) {
      String argo = null;
      String crds = null;
      int units = 2000;
      int warmup = 500;
      int orgs = 20;
      int concurrency = 32;
      List<Integer> workers = List.of(256, 32);
      int qps = 1000;
      String javaOpts = BenchOperator.SHIPPED_JAVA_OPTS;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--argo" -> argo = args[++i];
          case "--argo-crds" -> crds = args[++i];
          case "--units" -> units = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--orgs" -> orgs = Integer.parseInt(args[++i]);
          case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
          case "--argo-workers" -> workers = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
          case "--argo-qps" -> qps = Integer.parseInt(args[++i]);
          case "--operator-java-opts" -> javaOpts = args[++i];
          default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the class Javadoc");
        }
      }
      if (argo != null && crds == null) {
        throw new IllegalArgumentException("--argo needs --argo-crds (the module's manifests/base/crds/full)");
      }
      return new Options(argo, crds, units, warmup, orgs, concurrency, workers, qps, javaOpts);
    }
  }

  /** One controller's figures over the measured units. */
  record Row(String name, int units, double seconds, double p50, double p99, double writesPerUnit,
      Map<String, Double> cpuMsPerUnit) {
    String line() {
      return String.format("| %s | %.1f | %.2f s / %.2f s | %.2f | %.1f / %.1f / %.1f |", name, units / seconds,
          p50 / 1000, p99 / 1000, writesPerUnit, cpuMsPerUnit.getOrDefault("kube-apiserver", 0.0),
          cpuMsPerUnit.getOrDefault("etcd", 0.0), cpuMsPerUnit.getOrDefault("controller", 0.0));
    }
  }

  /**
   * Circlet against the peer's best row (by units → pods/s) of the same run: the aims are at least
   * 2× the rate, at most 3 writes per unit, and less controller CPU per unit than the peer's.
   */
  static String comparison(Row circlet, List<Row> peers) {
    Row best = peers.stream().max(java.util.Comparator.comparingDouble(r -> r.units() / r.seconds())).orElseThrow();
    double rate = (circlet.units() / circlet.seconds()) / (best.units() / best.seconds());
    double peerCpu = best.cpuMsPerUnit().getOrDefault("controller", 0.0);
    double cpu = peerCpu == 0 ? Double.NaN : circlet.cpuMsPerUnit().getOrDefault("controller", 0.0) / peerCpu;
    return String.format("Circlet against %s (the peer's best rate): units → pods/s %.2f× (aim ≥ 2×); API writes per unit "
        + "%.2f against %.2f (aim ≤ 3); controller CPU per unit %.2f× (aim < 1×)", best.name(), rate,
        circlet.writesPerUnit(), best.writesPerUnit(), cpu);
  }

  public static void main(String[] args) throws Exception {
    Options opt = Options.parse(args);
    List<Row> rows = new ArrayList<>();
    try (KubeControlPlane cp = KubeControlPlane.start()) {
      cp.applyCrds(Path.of("crds/generated"));
      if (opt.argo() != null) {
        cp.applyCrds(Path.of(opt.argoCrds()));
      }
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(KubernetesClientTuning.tune(cp.config()))
            .withKubernetesSerialization(dev.circlet.operator.runtime.FastJson.serialization()).build()) {
        rows.add(circlet(cp, client, opt));
        if (opt.argo() != null) {
          for (int workers : opt.argoWorkers()) {
            rows.add(argo(cp, client, opt, workers));
          }
        }
      }
    }
    System.out.printf("%n%d units each after %d warm-up units, client concurrency %d, pods left unscheduled; load average now %s%n",
        opt.units(), opt.warmup(), opt.concurrency(), loadAverage());
    System.out.println("| | units → pods/s | create → pod p50 / p99 | API writes per unit | CPU ms per unit: API server / etcd / controller |");
    System.out.println("|---|---|---|---|---|");
    rows.forEach(r -> System.out.println(r.line()));
    if (rows.size() > 1) {
      System.out.println(comparison(rows.get(0), rows.subList(1, rows.size())));
    }
    System.exit(0);
  }

  static Row circlet(KubeControlPlane cp, KubernetesClient client, Options opt) throws Exception {
    TreeSet<String> namespaces = new TreeSet<>();
    for (int o = 0; o < opt.orgs(); o++) {
      namespaces.add(AdmissionBenchmark.namespaceOf(o));
      OperatorHarness.bind(client, AdmissionBenchmark.namespaceOf(o), "bench-org-" + o);
    }
    OperatorHarness harness = new OperatorHarness(client, BenchOperator.settings(namespaces, 64, null));
    ResourceClass rc = harness.resourceClass(AdmissionBenchmark.BENCH_POOL, ExecutorKind.DOCKER);
    rc.getSpec().schedulerName = AdmissionBenchmark.BENCH_SCHEDULER;
    client.resource(rc).update();
    int total = opt.units() + opt.warmup();
    for (int o = 0; o < opt.orgs(); o++) {
      harness.organization("bench-org-" + o, total);
    }
    List<String> command = new ArrayList<>(List.of(javaBinary()));
    command.addAll(List.of(opt.operatorJavaOpts().trim().split("\\s+")));
    command.addAll(List.of("-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp",
        System.getProperty("java.class.path"), BenchOperator.class.getName(), cp.kubeconfigPath().toString(),
        String.join(",", namespaces)));
    ProcessBuilder operatorProcess = new ProcessBuilder(command);
    operatorProcess.environment().putAll(BenchOperator.SHIPPED_ENV);
    Process operator = operatorProcess.redirectErrorStream(true)
        .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "circlet-bench-operator.log")).start();
    try {
      IntConsumer create = i -> client.resource(OperatorHarness.build(AdmissionBenchmark.namespaceOf(i % opt.orgs()),
          "unit-" + i, "bench-org-" + (i % opt.orgs()), AdmissionBenchmark.BENCH_POOL)).create();
      Function<Pod, String> unit = p -> p.getMetadata().getLabels().get(CircletApi.LABEL_BUILD);
      String selector = CircletApi.LABEL_BUILD;
      measure(client, null, selector, unit, 0, opt.warmup(), opt.concurrency(), create, operator.toHandle(), "warm-up");
      return measure(client, null, selector, unit, opt.warmup(), opt.units(), opt.concurrency(), create,
          operator.toHandle(), "Circlet (" + opt.operatorJavaOpts() + ")");
    } finally {
      stop(operator);
    }
  }

  static Row argo(KubeControlPlane cp, KubernetesClient client, Options opt, int workers) throws Exception {
    String ns = ARGO_NAMESPACE + "-" + workers;
    cp.createNamespace(ns);
    // Argo's controller reads its configuration from this ConfigMap and waits for it when it is
    // missing; an empty one means Argo's defaults (no parallelism limit, the emissary executor).
    client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withName("workflow-controller-configmap").withNamespace(ns).endMetadata().build()).create();
    ProcessBuilder pb = new ProcessBuilder(opt.argo(), "--kubeconfig", cp.kubeconfigPath().toString(), "--namespaced",
        "--managed-namespace", ns, "--namespace", ns, "--qps", String.valueOf(opt.argoQps()), "--burst",
        String.valueOf(opt.argoQps()), "--workflow-workers", String.valueOf(workers), "--loglevel", "warn");
    pb.environment().put("LEADER_ELECTION_DISABLE", "true");
    Process controller = pb.redirectErrorStream(true)
        .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "argo-bench-controller-" + workers + ".log")).start();
    try {
      IntConsumer create = i -> client.genericKubernetesResources("argoproj.io/v1alpha1", "Workflow").inNamespace(ns)
          .resource(workflow(ns, "unit-" + i)).create();
      Function<Pod, String> unit = p -> p.getMetadata().getLabels().get("workflows.argoproj.io/workflow");
      String selector = "workflows.argoproj.io/workflow";
      measure(client, ns, selector, unit, 0, opt.warmup(), opt.concurrency(), create, controller.toHandle(), "warm-up");
      return measure(client, ns, selector, unit, opt.warmup(), opt.units(), opt.concurrency(), create,
          controller.toHandle(), "Argo v4.0.5, QPS " + opt.argoQps() + ", " + workers + " workers");
    } finally {
      stop(controller);
    }
  }

  /**
   * Stops a controller: SIGTERM, then SIGKILL after 30 s. A controller that outlives its row would
   * hold its ports (Argo's metrics on :9090) and keep the API server busy during the next row.
   */
  static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A Workflow of one container, its pod naming a scheduler that does not run. */
  static GenericKubernetesResource workflow(String namespace, String name) {
    Map<String, Object> container = Map.of("image", "busybox:1.36", "command", List.of("true"));
    Map<String, Object> spec = Map.of("entrypoint", "main", "schedulerName", AdmissionBenchmark.BENCH_SCHEDULER,
        "templates", List.of(Map.of("name", "main", "container", container)));
    GenericKubernetesResource wf = new GenericKubernetesResource();
    wf.setApiVersion("argoproj.io/v1alpha1");
    wf.setKind("Workflow");
    wf.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    wf.setAdditionalProperty("spec", spec);
    return wf;
  }

  /**
   * Creates units {@code first … first+n-1} and waits for a pod of each: rate, latency from the
   * create call returning to the pod's watch event, writes and CPU per unit over that window.
   */
  static Row measure(KubernetesClient client, String namespace, String podLabel, Function<Pod, String> unitOf, int first,
      int n, int concurrency, IntConsumer create, ProcessHandle controller, String name) throws Exception {
    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> seen = new ConcurrentHashMap<>();
    CountDownLatch all = new CountDownLatch(n);
    Watcher<Pod> watcher = new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        String unit = pod.getMetadata().getLabels() == null ? null : unitOf.apply(pod);
        if (unit != null && seen.putIfAbsent(unit, System.nanoTime()) == null) {
          int index = unit.startsWith("unit-") ? Integer.parseInt(unit.substring(5).replaceAll("\\D.*", "")) : -1;
          if (index >= first && index < first + n) {
            all.countDown();
          }
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
    Watch watch = namespace == null ? client.pods().inAnyNamespace().withLabel(podLabel).watch(watcher)
        : client.pods().inNamespace(namespace).withLabel(podLabel).watch(watcher);
    try {
      Map<String, Double> writesBefore = ApiWrites.sample(client);
      Map<String, Double> cpuBefore = cpu(controller);
      long start = System.nanoTime();
      AdmissionBenchmark.timed(n, concurrency, i -> {
        create.accept(first + i);
        created.put("unit-" + (first + i), System.nanoTime());
      });
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
      while (!all.await(1, TimeUnit.SECONDS) && controller.isAlive() && System.nanoTime() < deadline) {
        // waits for the last pod, or for the controller to die
      }
      if (!controller.isAlive()) {
        throw new IllegalStateException(name + ": the controller exited; see its log in " + System.getProperty("java.io.tmpdir"));
      }
      if (all.getCount() > 0) {
        System.out.println(name + ": INCOMPLETE, " + (n - all.getCount()) + " of " + n + " pods in 15 minutes");
      }
      long end = created.keySet().stream().map(seen::get).filter(java.util.Objects::nonNull)
          .mapToLong(Long::longValue).max().orElse(System.nanoTime());
      Map<String, Double> cpu = CpuMeter.between(cpuBefore, cpu(controller));
      Thread.sleep(2000);
      Map<String, Double> writes = ApiWrites.between(writesBefore, ApiWrites.sample(client));
      long[] latencies = created.entrySet().stream().filter(e -> seen.containsKey(e.getKey()))
          .mapToLong(e -> Math.max(0, seen.get(e.getKey()) - e.getValue())).sorted().toArray();
      double totalWrites = writes.values().stream().mapToDouble(Double::doubleValue).sum();
      Map<String, Double> perUnit = new java.util.LinkedHashMap<>();
      cpu.forEach((k, v) -> perUnit.put(k, 1000 * v / n));
      Row row = new Row(name, n, (end - start) / 1e9, AdmissionBenchmark.pct(latencies, 0.5),
          AdmissionBenchmark.pct(latencies, 0.99), totalWrites / n, perUnit);
      System.out.println(row.line());
      System.out.println(ApiWrites.perObject(writes, n));
      System.out.println(name + ": load average at the end (1/5/15 min) " + loadAverage());
      return row;
    } finally {
      watch.close();
    }
  }

  /** CPU seconds so far of the API server, etcd and the controller process. */
  static Map<String, Double> cpu(ProcessHandle controller) {
    Map<String, Double> all = CpuMeter.sample();
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    out.put("kube-apiserver", all.get("kube-apiserver"));
    out.put("etcd", all.get("etcd"));
    out.put("controller", controller.info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9);
    return out;
  }

  /** The machine's load averages, so a reader can judge how shared the cores were. */
  static String loadAverage() {
    try {
      return String.join(" / ", java.util.Arrays.asList(java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
