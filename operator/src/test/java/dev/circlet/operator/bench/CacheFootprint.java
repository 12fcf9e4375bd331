package dev.circlet.operator.bench;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.ResourceClassSpec;
import dev.circlet.operator.pod.BuildPodFactory;
import dev.circlet.operator.pod.BuildPodFactory.PodSettings;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.CacheTrimming;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The heap the operator's informer caches take for the population of {@link PopulationBenchmark}
 * (finished, running with their pods, queued Builds), whole and as {@link CacheTrimming} keeps
 * them, without an API server: each object is decoded from the JSON an API server would send,
 * with the managed fields it would add (one entry per writer listing every field written), and
 * the live heap is read after full collections.
 *
 * <p>Usage: {@code CacheFootprint [--finished 8000] [--running 500] [--queued 1500]}.
 */
public final class CacheFootprint {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final String NOW = "2026-12-02T08:00:00Z";

  private CacheFootprint() {}

  public static void main(String[] args) throws Exception {
    int finished = 8000;
    int running = 500;
    int queued = 1500;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--finished" -> finished = Integer.parseInt(args[++i]);
        case "--running" -> running = Integer.parseInt(args[++i]);
        case "--queued" -> queued = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the class Javadoc");
      }
    }
    List<String> builds = new ArrayList<>();
    List<String> pods = new ArrayList<>();
    BuildPodFactory factory = new BuildPodFactory(new PodSettings(OperatorSettings.DEFAULT_RUNNER_IMAGE, "IfNotPresent"));
    ResourceClass rc = new ResourceClass();
    rc.getMetadata().setName(AdmissionBenchmark.BENCH_POOL);
    rc.setSpec(new ResourceClassSpec());
    rc.getSpec().cpu = "2";
    rc.getSpec().memory = "4Gi";
    for (int i = 0; i < finished + running + queued; i++) {
      BuildPhase phase = i < finished ? BuildPhase.Succeeded : i < finished + running ? BuildPhase.Running : BuildPhase.Queued;
      Build b = OperatorHarness.build(AdmissionBenchmark.namespaceOf(i % 20), "b-" + i, "bench-org-" + (i % 20),
          AdmissionBenchmark.BENCH_POOL);
      b.getMetadata().setUid(UUID.randomUUID().toString());
      b.getMetadata().setResourceVersion(String.valueOf(1000 + i));
      b.getMetadata().setCreationTimestamp(NOW);
      b.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("ci.circlet.dev/v1alpha1")
          .withKind("Workflow").withName("wf-" + i).withUid(UUID.randomUUID().toString()).withController(true).build()));
      b.getMetadata().setLabels(Map.of("ci.circlet.dev/workflow", "wf-" + i, "ci.circlet.dev/organization",
          "bench-org-" + (i % 20), "ci.circlet.dev/job", "b-" + i));
      BuildStatus s = new BuildStatus();
      s.phase = phase;
      s.queuedAt = NOW;
      s.reason = phase == BuildPhase.Queued ? "Waiting" : null;
      s.message = phase == BuildPhase.Queued ? "position 3 of 75 in organization \"bench-org-1\"" : null;
      if (phase != BuildPhase.Queued) {
        s.admittedAt = NOW;
        s.startedAt = NOW;
        s.podName = b.getMetadata().getName();
      }
      if (phase == BuildPhase.Succeeded) {
        s.finishedAt = NOW;
        s.exitCode = 0;
      }
      b.setStatus(s);
      builds.add(withManagedFields(b, "spec", "status"));
      if (phase == BuildPhase.Running) {
        Pod pod = factory.pod(b, rc, null, List.of());
        pod.getMetadata().setUid(UUID.randomUUID().toString());
        pod.getMetadata().setResourceVersion(String.valueOf(50000 + i));
        pod.getSpec().setNodeName("kwok-node-0");
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withStartTime(NOW).withContainerStatuses(
            new ContainerStatusBuilder().withName(BuildPodFactory.PRIMARY).withImage("busybox").withReady(true)
                .withNewState().withNewRunning().withStartedAt(NOW).endRunning().endState().build()).build());
        pods.add(withManagedFields(pod, "spec", "status"));
      }
    }
    System.out.printf("%d Builds (%d finished, %d running with pods, %d queued), %d pods; JSON %.1f MB + %.1f MB%n",
        builds.size(), finished, running, queued, pods.size(), mb(builds), mb(pods));
    report("Build cache, whole", builds, Build.class, UnaryOperator.identity());
    report("Build cache, trimmed", builds, Build.class, CacheTrimming::build);
    report("Workflow's Build cache, whole", builds, Build.class, UnaryOperator.identity());
    report("Workflow's Build cache, trimmed", builds, Build.class, CacheTrimming::workflowBuild);
    report("pod cache, whole", pods, Pod.class, UnaryOperator.identity());
    report("pod cache, trimmed", pods, Pod.class, CacheTrimming::pod);
    System.exit(0);
  }

  /**
   * The object's JSON with the managed fields an API server records: one entry per writer (the
   * creating client, the status writer), each listing every field under {@code sections}.
   */
  @SuppressWarnings("unchecked")
  static String withManagedFields(HasMetadata object, String... sections) {
    Map<String, Object> tree = JSON.unmarshal(JSON.asJson(object), Map.class);
    List<Map<String, Object>> entries = new ArrayList<>();
    for (String section : sections) {
      Object value = tree.get(section);
      if (value == null) {
        continue;
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("f:" + section, fieldsOf(value));
      entries.add(Map.of("manager", section.equals("status") ? "circlet-operator" : "fabric8-kubernetes-client",
          "operation", "Update", "apiVersion", String.valueOf(tree.get("apiVersion")), "time", NOW, "fieldsType", "FieldsV1",
          "fieldsV1", fields, "subresource", section.equals("status") ? "status" : ""));
    }
    ((Map<String, Object>) tree.get("metadata")).put("managedFields", entries);
    return JSON.asJson(tree);
  }

  @SuppressWarnings("unchecked")
  private static Object fieldsOf(Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put("f:" + k, fieldsOf(v)));
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        out.put("i:" + i, fieldsOf(list.get(i)));
      }
    }
    return out;
  }

  private static <T extends HasMetadata> void report(String name, List<String> json, Class<T> type, UnaryOperator<T> trim) {
    long before = liveHeap();
    List<T> cache = new ArrayList<>(json.size());
    for (String j : json) {
      cache.add(trim.apply(JSON.unmarshal(j, type)));
    }
    long after = liveHeap();
    System.out.printf("| %s | %d | %.1f MB | %.1f KB |%n", name, cache.size(), (after - before) / 1e6,
        cache.isEmpty() ? 0 : (after - before) / 1e3 / cache.size());
    cache.clear();
  }

  private static long liveHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double mb(List<String> json) {
    return json.stream().mapToLong(String::length).sum() / 1e6;
  }
}
