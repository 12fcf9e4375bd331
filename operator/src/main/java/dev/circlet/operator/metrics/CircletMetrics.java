package dev.circlet.operator.metrics;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * The operator's Prometheus metrics: admission queue depth per organization, admission latency,
 * Builds per phase and build pod creation time.
 */
public final class CircletMetrics {
  public static final String QUEUE_DEPTH = "circlet.admission.queue.depth";
  public static final String ADMISSION_LATENCY = "circlet.admission.latency";
  public static final String BUILDS = "circlet.builds";
  public static final String POD_CREATE = "circlet.build.pod.create";

  private final MeterRegistry registry;
  private final Timer admissionLatency;
  private final Timer podCreate;
  private final Set<String> organizationsWithGauge = ConcurrentHashMap.newKeySet();
  private volatile ToIntFunction<String> queueDepth = org -> 0;
  private volatile Supplier<Stream<Build>> builds = Stream::empty;

  public CircletMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.admissionLatency =
        Timer.builder(ADMISSION_LATENCY)
            .description("Time from a Build's queuedAt to its admittedAt")
            .publishPercentileHistogram()
            .register(registry);
    this.podCreate =
        Timer.builder(POD_CREATE)
            .description("Time to create a build pod (API call)")
            .publishPercentileHistogram()
            .register(registry);
    for (BuildPhase phase : BuildPhase.values()) {
      Gauge.builder(BUILDS, this, m -> m.countBuilds(phase))
          .description("Builds seen by the operator, by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
  }

  /** Where the queue depth per organization is read from. */
  public void bindQueueDepth(ToIntFunction<String> depthByOrganization) {
    this.queueDepth = depthByOrganization;
  }

  /** Where the Builds counted by phase are read from (the Build informer cache). */
  public void bindBuilds(Supplier<Stream<Build>> source) {
    this.builds = source;
  }

  /** Makes sure each organization has its queue depth gauge. */
  public void organizations(Collection<String> names) {
    for (String org : names) {
      if (organizationsWithGauge.add(org)) {
        Gauge.builder(QUEUE_DEPTH, this, m -> m.queueDepth.applyAsInt(org))
            .description("Builds waiting for admission")
            .tag("organization", org)
            .register(registry);
      }
    }
  }

  public void organizations(Map<String, Integer> queuedByOrg) {
    organizations(queuedByOrg.keySet());
  }

  public void admitted(Duration queuedToAdmitted) {
    admissionLatency.record(queuedToAdmitted.isNegative() ? Duration.ZERO : queuedToAdmitted);
  }

  public void podCreated(Duration took) {
    podCreate.record(took);
  }

  public MeterRegistry registry() {
    return registry;
  }

  private double countBuilds(BuildPhase phase) {
    return builds.get()
        .filter(b -> phaseOf(b) == phase)
        .count();
  }

  private static BuildPhase phaseOf(Build b) {
    return b.getStatus() == null || b.getStatus().phase == null
        ? BuildPhase.Queued
        : b.getStatus().phase;
  }
}
