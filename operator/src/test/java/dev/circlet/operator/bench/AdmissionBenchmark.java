package dev.circlet.operator.bench;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.CircletOperator;
import dev.circlet.operator.runtime.KubernetesClientTuning;
import dev.circlet.operator.runtime.OperatorSettings;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Measures how fast the operator turns Builds into Pods, against the physical ceiling of the same
 * API server: the rate at which the same client creates plain Pods with the same concurrency.
 *
 * <p>Usage: {@code AdmissionBenchmark [--kubeconfig FILE | --master URL] [--builds 2000] [--orgs 20]
 * [--concurrency 32] [--threads 64] [--install-crds] [--local-apiserver] [--backlog] [--no-ceiling]}. {@code --no-ceiling} skips
 * measuring each write alone. With {@code --backlog}
 * every Build exists before the operator starts and the clock runs from its start (a queue
 * drained after an outage); otherwise Builds are created while the operator runs. Without a cluster it
 * starts a Fabric8 mock server in CRUD mode; {@code --local-apiserver} starts kube-test's real
 * local control plane (kube-apiserver, etcd, scheduler, controller-manager, kwok). Against a cluster it creates namespaces {@code circlet-bench-raw} and
 * {@code circlet-bench}; delete them afterwards.
 */
public final class AdmissionBenchmark {
  static final String RAW_NAMESPACE = "circlet-bench-raw";
  static final String NAMESPACE = "circlet-bench";
  static final String BENCH_POOL = "bench";
  /**
   * On the local control plane both phases' pods name a scheduler that does not run, so neither
   * kube-scheduler nor kwok works on them: the run measures the API server and the operator, not
   * the simulated nodes, which on a real cluster run elsewhere.
   */
  static final String BENCH_SCHEDULER = "circlet-bench-unscheduled";

  private AdmissionBenchmark() {}

  record Options(String kubeconfig, String master, int builds, int orgs, int concurrency, int threads, boolean installCrds,
      boolean localApiServer, boolean backlog, boolean ceiling) {
    static Options parse(String[] args) {
      String kubeconfig = null;
      String master = null;
      int builds = 2000;
      int orgs = 20;
      int concurrency = 32;
      int threads = 64;
      boolean installCrds = false;
      boolean localApiServer = false;
      boolean backlog = false;
      boolean ceiling = true;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--kubeconfig" -> kubeconfig = args[++i];
          case "--master" -> master = args[++i];
          case "--builds" -> builds = Integer.parseInt(args[++i]);
          case "--orgs" -> orgs = Integer.parseInt(args[++i]);
          case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
          case "--threads" -> threads = Integer.parseInt(args[++i]);
          case "--install-crds" -> installCrds = true;
          case "--local-apiserver" -> localApiServer = true;
          case "--backlog" -> backlog = true;
          case "--no-ceiling" -> ceiling = false;
          default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the class Javadoc");
        }
      }
      return new Options(kubeconfig, master, builds, orgs, concurrency, threads, installCrds, localApiServer, backlog, ceiling);
    }
  }

  public static void main(String[] args) throws Exception {
    Options opt = Options.parse(args);
    KubernetesMockServer server = null;
    KubernetesClient client;
    if (opt.localApiServer()) {
      // A real kube-apiserver + etcd (+ scheduler, controller-manager, kwok) from kube-test.
      try (KubeControlPlane cp = KubeControlPlane.start()) {
        cp.applyCrds(Path.of("crds/generated"));
        cp.createNamespace(RAW_NAMESPACE);
        try (KubernetesClient c = new KubernetesClientBuilder().withConfig(KubernetesClientTuning.tune(cp.config()))
            .withKubernetesSerialization(dev.circlet.operator.runtime.FastJson.serialization()).build()) {
          run(c, opt, false, true);
        }
      }
      System.exit(0);
    }
    if (opt.kubeconfig() == null && opt.master() == null) {
      server = OperatorHarness.mockServer();
      client = OperatorHarness.client(server);
    } else {
      Config config = opt.kubeconfig() != null
          ? Config.fromKubeconfig(Files.readString(Path.of(opt.kubeconfig())))
          : Config.empty();
      if (opt.master() != null) {
        config.setMasterUrl(opt.master());
      }
      KubernetesClientTuning.tune(config);
      client = new KubernetesClientBuilder().withConfig(config)
        .withKubernetesSerialization(dev.circlet.operator.runtime.FastJson.serialization()).build();
    }
    try {
      run(client, opt, server != null, false);
    } finally {
      client.close();
      if (server != null) {
        server.destroy();
      }
    }
    System.exit(0);
  }

  /** Each organization's namespace: a namespace is bound to one organization. */
  static String namespaceOf(int org) {
    return NAMESPACE + "-" + org;
  }

  static void run(KubernetesClient client, Options opt, boolean mock, boolean benchPool) throws Exception {
    // The operator watches only the organizations' namespaces: the ceiling phase's Builds in the raw one stay untouched.
    java.util.Set<String> orgNamespaces = new java.util.TreeSet<>();
    for (int o = 0; o < opt.orgs(); o++) {
      orgNamespaces.add(namespaceOf(o));
    }
    OperatorSettings settings = new OperatorSettings(OperatorSettings.DEFAULT_RUNNER_IMAGE, "IfNotPresent", null,
        orgNamespaces, false, OperatorSettings.DEFAULT_LEASE_NAME, null, null, false, opt.threads(),
        java.time.Duration.ofMinutes(5), java.time.Duration.ofSeconds(10), null, null, null);
    OperatorHarness harness = new OperatorHarness(client, settings);
    if (mock || opt.installCrds()) {
      harness.installCrds();
    }
    String rawNs = RAW_NAMESPACE;
    if (client.namespaces().withName(rawNs).get() == null) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(rawNs).endMetadata().build()).create();
    }
    for (int o = 0; o < opt.orgs(); o++) {
      OperatorHarness.bind(client, namespaceOf(o), "bench-org-" + o);
    }
    harness.resourceClass("medium", ExecutorKind.DOCKER);
    String resourceClass = "medium";
    if (benchPool) {
      ResourceClass rc = harness.resourceClass(BENCH_POOL, ExecutorKind.DOCKER);
      rc.getSpec().schedulerName = BENCH_SCHEDULER;
      client.resource(rc).update();
      resourceClass = BENCH_POOL;
    }
    String buildResourceClass = resourceClass;
    ResourceClass rcObject = client.resources(ResourceClass.class).withName(resourceClass).get();
    for (int o = 0; o < opt.orgs(); o++) {
      harness.organization("bench-org-" + o, Math.max(200, opt.builds() / opt.orgs() + 1));
    }
    System.out.printf("API server %s (%s), %d builds across %d organizations, client concurrency %d, %d reconcile threads, %s%n",
        client.getMasterUrl(), mock ? "Fabric8 mock server, CRUD mode" : "cluster", opt.builds(), opt.orgs(),
        opt.concurrency(), opt.threads(), opt.backlog() ? "backlog drained from operator start" : "Builds created while the operator runs");

    // 0. Warm-up (connections, JIT, API server caches), not measured.
    timed(Math.min(400, opt.builds()), opt.concurrency(), i -> client.pods().inNamespace(rawNs)
        .resource(plainPod(rawNs, "warmup-" + i, benchPool)).create());
    timed(Math.min(400, opt.builds()), opt.concurrency(), i -> client.pods().inNamespace(rawNs).withName("warmup-" + i).delete());

    // 1. The ceiling: plain pods, same client, same concurrency.
    var cpuBefore = CpuMeter.sample();
    double rawSeconds = timed(opt.builds(), opt.concurrency(), i -> client.pods().inNamespace(rawNs)
        .resource(plainPod(rawNs, "raw-" + i, benchPool)).create());
    double rawRate = opt.builds() / rawSeconds;
    System.out.printf("raw pod creation:     %5d pods in %6.2f s = %7.1f pods/s%n", opt.builds(), rawSeconds, rawRate);
    System.out.println("  CPU: " + CpuMeter.perObject(CpuMeter.between(cpuBefore, CpuMeter.sample()), opt.builds()));
    WriteCeiling.Result ceiling = null;
    if (!mock && opt.ceiling()) {
      // 1b. Each write a Build needs, alone; together they bound any controller on this server.
      ceiling = WriteCeiling.measure(client, rawNs, rcObject, opt.builds(), opt.concurrency());
      System.out.println("the writes one Build needs, each alone (same client, same concurrency):");
      for (var e : ceiling.rates().entrySet()) {
        System.out.printf("  %-22s %7.1f /s   CPU: %s%n", e.getKey(), e.getValue(), ceiling.cpu().get(e.getKey()));
      }
      System.out.printf("  combined ceiling: %.1f Builds/s with the Build create, %.1f/s without it%n",
          ceiling.combined(true), ceiling.combined(false));
    }
    if (mock) {
      // The mock server scans its whole store on every request: start the operator phase from
      // the same store size as the raw phase.
      timed(opt.builds(), opt.concurrency(), i -> client.pods().inNamespace(rawNs).withName("raw-" + i).delete());
    }

    // 2. The operator: Builds in, pods out.
    OperatorHarness.resetMockRequests();
    Map<String, Long> buildCreated = new ConcurrentHashMap<>();
    Map<String, Long> podSeen = new ConcurrentHashMap<>();
    CountDownLatch allPods = new CountDownLatch(opt.builds());
    Watch watch = client.pods().inAnyNamespace().withLabel(CircletApi.LABEL_BUILD).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        // only this phase's pods: the ceiling phase left build pods ("ceiling-N") with the same label
        if (action == Action.ADDED && pod.getMetadata().getName().startsWith("bench-")
            && podSeen.putIfAbsent(pod.getMetadata().getName(), System.nanoTime()) == null) {
          allPods.countDown();
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CircletOperator operator = new CircletOperator(client, settings, registry, Clock.systemUTC());
    IntConsumer createBuild = i -> {
      Build b = OperatorHarness.build(namespaceOf(i % opt.orgs()), "bench-" + i, "bench-org-" + (i % opt.orgs()),
          buildResourceClass);
      client.resource(b).create();
      buildCreated.put("bench-" + i, System.nanoTime());
    };
    long start;
    Map<String, Double> writesBefore = Map.of();
    if (opt.backlog()) {
      // A backlog (e.g. after an outage): every Build exists before the operator starts; the
      // clock runs from the operator's start, so its start-up is part of the figure.
      timed(opt.builds(), opt.concurrency(), createBuild);
      writesBefore = ApiWrites.sample(client);
      cpuBefore = CpuMeter.sample();
      start = System.nanoTime();
      long t0 = start;
      buildCreated.replaceAll((name, t) -> t0);
      operator.start();
    } else {
      operator.start();
      writesBefore = ApiWrites.sample(client);
      cpuBefore = CpuMeter.sample();
      start = System.nanoTime();
      timed(opt.builds(), opt.concurrency(), createBuild);
    }
    boolean complete = allPods.await(10, TimeUnit.MINUTES);
    long end = podSeen.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
    var operatorCpu = CpuMeter.between(cpuBefore, CpuMeter.sample());
    // Writes still in flight for these Builds (status, Events) land within moments of the last pod.
    Thread.sleep(2000);
    Map<String, Double> writes = ApiWrites.between(writesBefore, ApiWrites.sample(client));
    watch.close();
    operator.stop();
    double opSeconds = (end - start) / 1e9;
    double opRate = podSeen.size() / opSeconds;
    List<Long> latencies = new ArrayList<>();
    buildCreated.forEach((name, t) -> {
      Long seen = podSeen.get(name);
      if (seen != null) {
        latencies.add(Math.max(0, seen - t));
      }
    });
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("operator:             %5d pods in %6.2f s = %7.1f builds admitted+pod created/s%s%n",
        podSeen.size(), opSeconds, opRate, complete ? "" : " (INCOMPLETE: timed out)");
    System.out.printf("build -> pod latency: p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms%n",
        pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 1.0));
    System.out.println("  CPU: " + CpuMeter.perObject(operatorCpu, Math.max(1, podSeen.size())));
    System.out.printf("ratio operator/raw:   %.2f%n", opRate / rawRate);
    if (ceiling != null) {
      System.out.printf("ratio operator/combined ceiling of its writes: %.2f%n", opRate / ceiling.combined(true));
    }
    if (!writes.isEmpty()) {
      System.out.println("writes counted by the API server (apiserver_request_total) during the operator phase, per Build"
          + (opt.backlog() ? " (the Build creates happened before it)" : "") + ":");
      System.out.println(ApiWrites.perObject(writes, Math.max(1, podSeen.size())));
    }
    if (mock) {
      System.out.println("API requests during the operator phase, per Build:");
      OperatorHarness.mockRequests().forEach((k, v) -> System.out.printf("  %-40s %6.2f%n", k, v / (double) opt.builds()));
    }
    var podCreate = registry.get(dev.circlet.operator.metrics.CircletMetrics.POD_CREATE).timer();
    System.out.printf("pod create call (operator): mean %6.1f ms, max %6.1f ms over %d calls%n",
        podCreate.mean(TimeUnit.MILLISECONDS), podCreate.max(TimeUnit.MILLISECONDS), podCreate.count());
    double rawAfter = timed(opt.builds(), opt.concurrency(), i -> client.pods().inNamespace(rawNs)
        .resource(plainPod(rawNs, "raw2-" + i, benchPool)).create());
    System.out.printf("raw pod creation again, with the operator's objects stored: %7.1f pods/s (ratio against it %.2f)%n",
        opt.builds() / rawAfter, opRate / (opt.builds() / rawAfter));
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, idx)] / 1e6;
  }

  /** Runs {@code n} actions on {@code concurrency} threads; returns the wall time in seconds. */
  static double timed(int n, int concurrency, IntConsumer action) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      long t0 = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int k = i;
        futures.add(pool.submit(() -> action.accept(k)));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      pool.shutdownNow();
    }
  }

  static Pod plainPod(String namespace, String name, boolean benchPool) {
    Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .addToLabels("app", "circlet-bench").endMetadata()
        .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("main").withImage("busybox:1.36")
        .withCommand(Arrays.asList("true")).endContainer().endSpec().build();
    if (benchPool) {
      pod.getSpec().setSchedulerName(BENCH_SCHEDULER);
    }
    return pod;
  }
}
