package dev.circlet.operator.bench;

import dev.circlet.operator.runtime.CircletOperator;
import dev.circlet.operator.runtime.KubernetesClientTuning;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator alone in its own JVM, for benchmarks that measure its CPU and memory apart from
 * the client creating Builds. Usage:
 * {@code BenchOperator KUBECONFIG NAMESPACE[,NAMESPACE…] [THREADS] [CLUSTER_MAX_BUILDS]}.
 * Runs until the process is stopped.
 */
public final class BenchOperator {
  /**
   * The operator image's memory settings (images/operator/Dockerfile) with the heap cap its chart's
   * 1 GiB limit gives, so a benchmark on a large machine measures what a pod would use: the serial
   * collector, a small initial heap that grows only as the live set needs (and shrinks after a
   * full collection), a bounded code cache.
   */
  static final String SHIPPED_JAVA_OPTS = "-XX:+UseSerialGC -Xms32m -Xmx256m -XX:MinHeapFreeRatio=10 "
      + "-XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=64m";

  /** glibc's malloc arenas (one per thread by default) as the image limits them. */
  static final java.util.Map<String, String> SHIPPED_ENV = java.util.Map.of("MALLOC_ARENA_MAX", "2");

  private BenchOperator() {}

  /** The settings the benchmarks run the operator with: the shipped defaults, leader election off. */
  static OperatorSettings settings(Set<String> namespaces, int threads, Integer clusterMaxBuilds) {
    return new OperatorSettings(OperatorSettings.DEFAULT_RUNNER_IMAGE, "IfNotPresent", clusterMaxBuilds, namespaces, false,
        OperatorSettings.DEFAULT_LEASE_NAME, null, null, false, threads, Duration.ofMinutes(5),
        Duration.ofSeconds(10), null, null, null);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: BenchOperator KUBECONFIG NAMESPACE[,NAMESPACE...] [THREADS]");
    }
    Config config = KubernetesClientTuning.tune(Config.fromKubeconfig(Files.readString(Path.of(args[0]))));
    Set<String> namespaces = new TreeSet<>(Set.of(args[1].split(",")));
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    Integer clusterMax = args.length > 3 ? Integer.valueOf(args[3]) : null;
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
        .withKubernetesSerialization(dev.circlet.operator.runtime.FastJson.serialization()).build();
    CircletOperator operator = new CircletOperator(client, settings(namespaces, threads, clusterMax), new SimpleMeterRegistry(),
        Clock.systemUTC());
    try {
      operator.start();
    } catch (RuntimeException e) {
      // The controllers' threads would keep the JVM alive with nothing reconciling.
      e.printStackTrace();
      System.exit(1);
    }
    System.out.println("circlet operator started");
    System.out.flush();
    Thread.currentThread().join();
  }
}
