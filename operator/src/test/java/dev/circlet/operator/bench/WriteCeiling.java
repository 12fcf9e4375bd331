package dev.circlet.operator.bench;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.operator.pod.BuildPodFactory;
import dev.circlet.operator.pod.BuildPodFactory.PodSettings;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.OperatorSettings;
import dev.circlet.operator.status.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The physical ceiling of turning Builds into Pods on one API server: the rate of each write a
 * Build needs — create the Build, create its Pod, write its status, record its Event — measured alone with the same client and concurrency, then combined. A
 * Build costs one of each, so no controller can exceed {@code 1 / Σ 1/rate}.
 */
final class WriteCeiling {
  /** Per write: objects per second when done alone; and CPU ms per object by part. */
  record Result(Map<String, Double> rates, Map<String, String> cpu) {
    double combined(boolean withBuildCreate) {
      double seconds = 0;
      for (var e : rates.entrySet()) {
        if (withBuildCreate || !e.getKey().equals(BUILD)) {
          seconds += 1 / e.getValue();
        }
      }
      return 1 / seconds;
    }
  }

  static final String BUILD = "Build create";
  static final String POD = "build Pod create";
  static final String STATUS = "Build status update";
  static final String EVENT = "Event create";

  private WriteCeiling() {}

  static Result measure(KubernetesClient client, String namespace, ResourceClass rc, int n, int concurrency)
      throws Exception {
    BuildPodFactory factory = new BuildPodFactory(
        new PodSettings(OperatorSettings.DEFAULT_RUNNER_IMAGE, "IfNotPresent"));
    AtomicReferenceArray<Build> builds = new AtomicReferenceArray<>(n);
    Map<String, Double> rates = new LinkedHashMap<>();
    Map<String, String> cpu = new LinkedHashMap<>();
    phase(BUILD, n, concurrency, rates, cpu, i -> builds.set(i, client.resource(
        OperatorHarness.build(namespace, "ceiling-" + i, "bench-org-" + (i % 20), rc.getMetadata().getName())).create()));
    phase(POD, n, concurrency, rates, cpu, i -> client.resource(factory.pod(builds.get(i), rc, null)).create());
    phase(STATUS, n, concurrency, rates, cpu, i -> {
      Build b = builds.get(i);
      BuildStatus s = new BuildStatus();
      s.phase = BuildPhase.Admitted;
      s.podName = b.getMetadata().getName();
      s.nodePool = rc.getSpec().nodePool;
      s.queuedAt = s.admittedAt = Instant.now().toString();
      b.setStatus(s);
      client.resource(b).updateStatus();
    });
    phase(EVENT, n, concurrency, rates, cpu, i -> client.resource(
        EventRecorder.event(builds.get(i), EventRecorder.NORMAL, "Admitted", "Build is Admitted", Instant.now())).create());
    return new Result(rates, cpu);
  }

  private static void phase(String name, int n, int concurrency, Map<String, Double> rates, Map<String, String> cpu,
      java.util.function.IntConsumer write) throws Exception {
    var before = CpuMeter.sample();
    double seconds = AdmissionBenchmark.timed(n, concurrency, write);
    cpu.put(name, CpuMeter.perObject(CpuMeter.between(before, CpuMeter.sample()), n));
    rates.put(name, n / seconds);
  }
}
