package dev.circlet.operator.bench;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.Organization;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.operator.pod.BuildPodFactory;
import dev.circlet.operator.pod.BuildPodFactory.PodSettings;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.KubernetesClientTuning;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The operator facing a large population on kube-test's real API server: {@code --finished}
 * Builds Succeeded, {@code --running} Running with their pods (slots shared by weight), {@code
 * --queued} waiting, across {@code --orgs} Organizations of weights 1–4 and a cluster cap of
 * {@code --running} + {@code --free} slots. The operator starts in its own JVM and the benchmark
 * reports the time to its first admission (a free slot taken by a queued Build) and until every
 * queued Build carries its waiting reason (steady state), its RSS and heap after the full resync,
 * then the admission latency of {@code --probes} new Builds created while the backlog waits (an
 * Organization below its share, so each takes the next freed slot: slot freed → pod), then frees
 * {@code --churn} slots (pods of running Builds succeed, a few at a time) and reports slot freed →
 * next pod and each Organization's share of those admissions and of the slots held against its
 * weight's share.
 *
 * <p>Usage: {@code PopulationBenchmark [--finished 8000] [--queued 1500] [--running 500] [--orgs 20]
 * [--free 20] [--probes 20] [--churn 400] [--concurrency 32] [--operator-java-opts "…"]}.
 */
public final class PopulationBenchmark {
  private PopulationBenchmark() {}

  public static void main(String[] args) throws Exception {
    int finished = 8000;
    int queued = 1500;
    int running = 500;
    int orgs = 20;
    int churn = 400;
    int concurrency = 32;
    int free = 20;
    int probes = 20;
    String javaOpts = BenchOperator.SHIPPED_JAVA_OPTS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--finished" -> finished = Integer.parseInt(args[++i]);
        case "--queued" -> queued = Integer.parseInt(args[++i]);
        case "--running" -> running = Integer.parseInt(args[++i]);
        case "--orgs" -> orgs = Integer.parseInt(args[++i]);
        case "--churn" -> churn = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--free" -> free = Integer.parseInt(args[++i]);
        case "--probes" -> probes = Integer.parseInt(args[++i]);
        case "--operator-java-opts" -> javaOpts = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the class Javadoc");
      }
    }
    try (KubeControlPlane cp = KubeControlPlane.start()) {
      cp.applyCrds(Path.of("crds/generated"));
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(KubernetesClientTuning.tune(cp.config()))
            .withKubernetesSerialization(dev.circlet.operator.runtime.FastJson.serialization()).build()) {
        run(cp, client, finished, queued, running, orgs, churn, concurrency, free, probes, javaOpts);
      }
    }
    System.exit(0);
  }

  static int weight(int org) {
    return 1 + org % 4;
  }

  /**
   * The Organization of the k-th running Build: round robin where Organization o appears weight(o)
   * times, so the slots start shared by weight (the state fair sharing converges to) and every
   * freed slot is answered by an admission of the same weight's share.
   */
  static int runningOrg(int k, int orgs) {
    int cycle = 0;
    for (int o = 0; o < orgs; o++) {
      cycle += weight(o);
    }
    int at = k % cycle;
    for (int o = 0; o < orgs; o++) {
      at -= weight(o);
      if (at < 0) {
        return o;
      }
    }
    return orgs - 1;
  }

  /** The Organization of new Builds created while the backlog waits: weight 4, no Build before. */
  static final String PROBE_ORG = "bench-probe";
  static final String PROBE_NAMESPACE = "bench-probe";

  static void run(KubeControlPlane cp, KubernetesClient client, int finished, int queued, int running, int orgs, int churn,
      int concurrency, int free, int probes, String javaOpts) throws Exception {
    TreeSet<String> namespaces = new TreeSet<>();
    for (int o = 0; o < orgs; o++) {
      namespaces.add(AdmissionBenchmark.namespaceOf(o));
      OperatorHarness.bind(client, AdmissionBenchmark.namespaceOf(o), "bench-org-" + o);
    }
    namespaces.add(PROBE_NAMESPACE);
    OperatorHarness.bind(client, PROBE_NAMESPACE, PROBE_ORG);
    int clusterCap = running + free;
    OperatorHarness harness = new OperatorHarness(client, BenchOperator.settings(namespaces, 64, clusterCap));
    ResourceClass rc = harness.resourceClass(AdmissionBenchmark.BENCH_POOL, ExecutorKind.DOCKER);
    rc.getSpec().schedulerName = AdmissionBenchmark.BENCH_SCHEDULER;
    rc = client.resource(rc).update();
    for (int o = 0; o < orgs; o++) {
      Organization org = harness.organization("bench-org-" + o, running + queued);
      org.getSpec().weight = weight(o);
      org.getSpec().maxQueuedBuilds = null;
      client.resource(org).update();
    }
    Organization probeOrg = harness.organization(PROBE_ORG, Math.max(1, probes));
    probeOrg.getSpec().weight = 4;
    client.resource(probeOrg).update();
    BuildPodFactory factory = new BuildPodFactory(new PodSettings(OperatorSettings.DEFAULT_RUNNER_IMAGE, "IfNotPresent"));
    ResourceClass benchClass = rc;
    long t0 = System.nanoTime();
    String now = Instant.now().toString();
    // Finished and running Builds carry their status; the running ones get their pods, running.
    List<String> runningPods = java.util.Collections.synchronizedList(new ArrayList<>());
    AdmissionBenchmark.timed(finished + running, concurrency, i -> {
      int org = i < finished ? i % orgs : runningOrg(i - finished, orgs);
      Build b = client.resource(OperatorHarness.build(AdmissionBenchmark.namespaceOf(org),
          (i < finished ? "done-" : "run-") + i, "bench-org-" + org, AdmissionBenchmark.BENCH_POOL)).create();
      BuildStatus s = new BuildStatus();
      s.queuedAt = now;
      s.admittedAt = now;
      s.startedAt = now;
      s.phase = i < finished ? BuildPhase.Succeeded : BuildPhase.Running;
      if (i < finished) {
        s.finishedAt = now;
        s.exitCode = 0;
      } else {
        s.podName = b.getMetadata().getName();
        Pod pod = client.resource(factory.pod(b, benchClass, null, List.of())).create();
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).editStatus(p -> {
          p.setStatus(new PodStatusBuilder().withPhase("Running").withStartTime(now).withContainerStatuses(
              new ContainerStatusBuilder().withName(BuildPodFactory.PRIMARY).withImage("busybox").withReady(true)
                  .withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build()).build());
          return p;
        });
        runningPods.add(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
      }
      b.setStatus(s);
      client.resource(b).updateStatus();
    });
    AdmissionBenchmark.timed(queued, concurrency, i -> client.resource(OperatorHarness.build(
        AdmissionBenchmark.namespaceOf(i % orgs), "queued-" + i, "bench-org-" + (i % orgs), AdmissionBenchmark.BENCH_POOL)).create());
    System.out.printf("population: %d finished, %d running (with pods, slots shared by weight), %d queued across %d "
        + "organizations (weights 1-4), cluster cap %d (%d free at start), created in %.0f s%n", finished, running, queued,
        orgs, clusterCap, free, (System.nanoTime() - t0) / 1e9);

    // Watch what the operator does: first status of each queued Build, pods of admitted ones.
    Map<String, Long> firstStatus = new ConcurrentHashMap<>();
    Map<String, Long> podCreated = new ConcurrentHashMap<>();
    Map<String, Long> probeStatus = new ConcurrentHashMap<>();
    Map<String, Long> probePods = new ConcurrentHashMap<>();
    Watch builds = client.resources(Build.class).inAnyNamespace().watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Build b) {
        if (b.getMetadata().getName().startsWith("queued-") && b.getStatus() != null && b.getStatus().phase != null) {
          firstStatus.putIfAbsent(b.getMetadata().getNamespace() + "/" + b.getMetadata().getName(), System.nanoTime());
        }
        if (b.getMetadata().getName().startsWith("probe-") && b.getStatus() != null && b.getStatus().phase != null) {
          probeStatus.putIfAbsent(b.getMetadata().getName(), System.nanoTime());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
    Watch pods = client.pods().inAnyNamespace().withLabel(CircletApi.LABEL_BUILD).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod p) {
        if (action == Action.ADDED && p.getMetadata().getName().startsWith("queued-")) {
          podCreated.putIfAbsent(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), System.nanoTime());
        }
        if (action == Action.ADDED && p.getMetadata().getName().startsWith("probe-")) {
          probePods.putIfAbsent(p.getMetadata().getName(), System.nanoTime());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
    List<String> command = new ArrayList<>(List.of(PeerBenchmark.javaBinary()));
    command.addAll(List.of(javaOpts.trim().split("\\s+")));
    command.addAll(List.of("-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp",
        System.getProperty("java.class.path"), BenchOperator.class.getName(), cp.kubeconfigPath().toString(),
        String.join(",", namespaces), "64", String.valueOf(clusterCap)));
    long start = System.nanoTime();
    ProcessBuilder operatorProcess = new ProcessBuilder(command);
    operatorProcess.environment().putAll(BenchOperator.SHIPPED_ENV);
    Process operator = operatorProcess.redirectErrorStream(true)
        .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "circlet-population-operator.log")).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (firstStatus.size() < queued && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      long steady = firstStatus.values().stream().mapToLong(Long::longValue).max().orElse(start);
      long first = firstStatus.values().stream().mapToLong(Long::longValue).min().orElse(start);
      long firstAdmission = podCreated.values().stream().mapToLong(Long::longValue).min().orElse(-1);
      System.out.printf("operator (%s):%n  first queued Build reconciled %.1f s after start; first admission (pod of a queued "
          + "Build, %d free slots) %s; steady state (all %d of %d queued carry their waiting reason or a slot) %.1f s after "
          + "start%n", javaOpts, (first - start) / 1e9, free,
          firstAdmission < 0 ? "none" : String.format("%.1f s after start", (firstAdmission - start) / 1e9),
          firstStatus.size(), queued, (steady - start) / 1e9);
      Thread.sleep(3000);
      System.out.println("after the full resync: " + memory(operator.pid()));

      // New Builds while the backlog waits: each probe Build (an Organization of weight 4 holding
      // fewer slots than its share, so fair sharing puts it first) waits until it carries its
      // reason, then one slot is freed; latency is slot freed -> its pod, and create -> pod.
      List<String> freeable = new ArrayList<>(runningPods);
      long[] probeFreed = new long[probes];
      long[] probeCreated = new long[probes];
      int probed = 0;
      for (int i = 0; i < probes && !freeable.isEmpty(); i++) {
        String name = "probe-" + i;
        probeCreated[i] = System.nanoTime();
        client.resource(OperatorHarness.build(PROBE_NAMESPACE, name, PROBE_ORG, AdmissionBenchmark.BENCH_POOL)).create();
        long waitDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!probeStatus.containsKey(name) && !probePods.containsKey(name) && System.nanoTime() < waitDeadline) {
          Thread.sleep(20);
        }
        String[] key = freeable.remove(0).split("/");
        harness.finishPod(key[0], key[1], 0);
        probeFreed[i] = System.nanoTime();
        long podDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!probePods.containsKey(name) && System.nanoTime() < podDeadline) {
          Thread.sleep(5);
        }
        probed++;
      }
      long[] probeLatency = new long[probed];
      long[] probeTotal = new long[probed];
      int admittedProbes = 0;
      for (int i = 0; i < probed; i++) {
        Long pod = probePods.get("probe-" + i);
        if (pod != null) {
          probeLatency[admittedProbes] = Math.max(0, pod - probeFreed[i]);
          probeTotal[admittedProbes] = Math.max(0, pod - probeCreated[i]);
          admittedProbes++;
        }
      }
      probeLatency = java.util.Arrays.copyOf(probeLatency, admittedProbes);
      probeTotal = java.util.Arrays.copyOf(probeTotal, admittedProbes);
      java.util.Arrays.sort(probeLatency);
      java.util.Arrays.sort(probeTotal);
      System.out.printf("new Builds while %d wait: %d of %d admitted; slot freed -> pod p50 %.0f ms, p99 %.0f ms; "
          + "create -> pod (including the wait for its reason and the freed slot) p50 %.0f ms, p99 %.0f ms%n",
          queued - podCreated.size(), admittedProbes, probed, AdmissionBenchmark.pct(probeLatency, 0.5),
          AdmissionBenchmark.pct(probeLatency, 0.99), AdmissionBenchmark.pct(probeTotal, 0.5),
          AdmissionBenchmark.pct(probeTotal, 0.99));
      int admittedBeforeChurn = podCreated.size();

      // Churn: running Builds' pods succeed a few at a time; each freed slot admits a queued Build.
      List<String> toFinish = new ArrayList<>(freeable.subList(0, Math.min(churn, freeable.size())));
      long churnStart = System.nanoTime();
      long[] freed = new long[toFinish.size()];
      for (int i = 0; i < toFinish.size(); i++) {
        String[] key = toFinish.get(i).split("/");
        harness.finishPod(key[0], key[1], 0);
        freed[i] = System.nanoTime();
        if (i % 10 == 9) {
          Thread.sleep(250);
        }
      }
      long churnDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (podCreated.size() < admittedBeforeChurn + toFinish.size() && System.nanoTime() < churnDeadline) {
        Thread.sleep(200);
      }
      // The k-th admission answers the k-th freed slot: latency from that slot's release to the pod.
      long[] admitted = podCreated.values().stream().mapToLong(Long::longValue).filter(t -> t >= churnStart).sorted()
          .toArray();
      long[] latencies = new long[Math.min(admitted.length, freed.length)];
      for (int i = 0; i < latencies.length; i++) {
        latencies[i] = Math.max(0, admitted[i] - freed[i]);
      }
      java.util.Arrays.sort(latencies);
      System.out.printf("churn: %d slots freed in %.1f s, %d queued Builds admitted; slot freed -> next pod p50 %.0f ms, "
          + "p99 %.0f ms%n", toFinish.size(), (freed[freed.length - 1] - churnStart) / 1e9, admitted.length,
          AdmissionBenchmark.pct(latencies, 0.5), AdmissionBenchmark.pct(latencies, 0.99));
      Map<Integer, Integer> holding = new TreeMap<>();
      runningPods.forEach(k -> holding.merge(orgOf(k), 1, Integer::sum));
      runningPods.stream().filter(k -> !freeable.contains(k) || toFinish.contains(k))
          .forEach(k -> holding.merge(orgOf(k), -1, Integer::sum));
      podCreated.keySet().forEach(k -> holding.merge(orgOf(k), 1, Integer::sum));
      System.out.println("share of the admissions during the churn (an Organization's share against its weight's share):");
      Map<String, Long> churnAdmissions = new java.util.HashMap<>(podCreated);
      churnAdmissions.values().removeIf(t -> t < churnStart);
      fairShare(counts(churnAdmissions.keySet()), orgs);
      System.out.println("share of the slots held at the end (weighted fair sharing converges these to the weights):");
      fairShare(holding, orgs);
      System.out.println("at the end: " + memory(operator.pid()));
    } finally {
      builds.close();
      pods.close();
      operator.destroy();
      operator.waitFor(30, TimeUnit.SECONDS);
    }
  }

  static int orgOf(String key) {
    String ns = key.substring(0, key.indexOf('/'));
    return Integer.parseInt(ns.substring(ns.lastIndexOf('-') + 1));
  }

  static Map<Integer, Integer> counts(java.util.Set<String> keys) {
    Map<Integer, Integer> counts = new TreeMap<>();
    keys.forEach(k -> counts.merge(orgOf(k), 1, Integer::sum));
    return counts;
  }

  /** Each Organization's share of {@code counts} against its weight's share, and the largest deviation. */
  static void fairShare(Map<Integer, Integer> counts, int orgs) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    int weights = 0;
    for (int o = 0; o < orgs; o++) {
      weights += weight(o);
    }
    double worst = 0;
    StringBuilder line = new StringBuilder("  ");
    for (int o = 0; o < orgs; o++) {
      double share = total == 0 ? 0 : counts.getOrDefault(o, 0) / (double) total;
      double fair = weight(o) / (double) weights;
      worst = Math.max(worst, Math.abs(share - fair) / fair);
      line.append(String.format("%d(w%d) %.1f/%.1f%% (%+.0f%%)  ", o, weight(o), 100 * share, 100 * fair,
          100 * (share - fair) / fair));
    }
    System.out.println(line);
    System.out.printf("  largest deviation from a weight's share: %.0f %% of that share%n", 100 * worst);
  }

  /** The largest classes of the live heap (jcmd GC.class_histogram, which collects first), one per line. */
  static String histogram(long pid) {
    try {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true).start();
      List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
      p.waitFor(60, TimeUnit.SECONDS);
      StringBuilder out = new StringBuilder("\n  live heap by class (instances, bytes, class):");
      lines.stream().filter(l -> l.matches("\\s*\\d+:.*")).limit(16)
          .forEach(l -> out.append("\n  ").append(l.trim()));
      lines.stream().filter(l -> l.startsWith("Total")).findFirst().ifPresent(l -> out.append("\n  ").append(l.trim()));
      return out.toString();
    } catch (Exception e) {
      return "\n  histogram unreadable: " + e.getMessage();
    }
  }

  /** The operator process's resident set (from /proc) and its heap after a full GC (jcmd). */
  static String memory(long pid) {
    String rss = "?";
    try {
      rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS"))
          .findFirst().map(l -> l.replaceAll("\\s+", " ")).orElse("?");
    } catch (Exception e) {
      rss = "unreadable: " + e.getMessage();
    }
    String heap = "?";
    try {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.run").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
      Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
      // One line per generation (young, old; or the G1 region summary): all of them.
      heap = new String(p.getInputStream().readAllBytes()).lines().filter(l -> l.contains("used"))
          .map(String::trim).reduce((a, b) -> a + "; " + b).orElse("?");
      p.waitFor(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      heap = "unreadable: " + e.getMessage();
    }
    return rss + "; heap after a full GC: " + heap + histogram(pid);
  }
}
