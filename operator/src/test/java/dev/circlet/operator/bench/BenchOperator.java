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
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    CircletOperator operator = new CircletOperator(client, settings(namespaces, threads, clusterMax), new SimpleMeterRegistry(),
        Clock.systemUTC());
    operator.start();
    System.out.println("circlet operator started");
    System.out.flush();
    Thread.currentThread().join();
  }
}
