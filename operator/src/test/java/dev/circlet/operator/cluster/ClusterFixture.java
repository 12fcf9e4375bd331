package dev.circlet.operator.cluster;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.Organization;
import dev.circlet.api.v1alpha1.OrganizationSpec;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.ResourceClassSpec;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.kubetest.FakeKubelet;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.kubetest.node.ProcessNodeConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Shared set-up of the cluster tier: CRDs, the example resource classes, and a kubelet's part. */
final class ClusterFixture {
  static final Path REPO = findRepo();

  private ClusterFixture() {}

  /** Installs the CRDs and applies the example Organizations and ResourceClasses. */
  static void install(KubeControlPlane cluster) {
    cluster.applyCrds(REPO.resolve("crds/generated"));
    KubernetesClient client = cluster.client();
    for (String file : List.of("organization.yaml", "resourceclasses.yaml")) {
      for (HasMetadata item : load(client, file)) {
        client.resource(item).createOr(existing -> existing.update());
      }
    }
    // A resource class no node pool can satisfy.
    ResourceClass gpu = new ResourceClass();
    gpu.getMetadata().setName("gpu.nvidia.small");
    gpu.setSpec(new ResourceClassSpec());
    gpu.getSpec().cpu = "4";
    gpu.getSpec().memory = "16Gi";
    gpu.getSpec().nodePool = "gpu";
    gpu.getSpec().nodeSelector.put("circlet.dev/pool", "gpu");
    client.resource(gpu).createOr(existing -> existing.update());
  }

  /** The objects of one file of {@code examples/cluster}. */
  static List<HasMetadata> load(KubernetesClient client, String file) {
    try (InputStream in = Files.newInputStream(REPO.resolve("examples/cluster").resolve(file))) {
      return client.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Workflow {@code <pipeline>-<number>-main} of an Organization, not yet created. */
  static Workflow workflow(String namespace, String pipeline, long number, String organization, List<JobSpec> jobs) {
    Workflow wf = new Workflow();
    wf.getMetadata().setNamespace(namespace);
    wf.getMetadata().setName(pipeline + "-" + number + "-main");
    wf.setSpec(new WorkflowSpec());
    wf.getSpec().pipeline = pipeline;
    wf.getSpec().pipelineNumber = number;
    wf.getSpec().workflowName = "main";
    wf.getSpec().organization = organization;
    wf.getSpec().jobs = List.copyOf(jobs);
    return wf;
  }

  static Organization organization(KubernetesClient client, String name, int maxConcurrent) {
    Organization org = new Organization();
    org.getMetadata().setName(name);
    org.setSpec(new OrganizationSpec());
    org.getSpec().maxConcurrentBuilds = maxConcurrent;
    return client.resource(org).createOr(existing -> existing.update());
  }

  /**
   * The kubelet's part for build pods: every pod kwok started is ended with exit code 0 (or the
   * code {@code exitCodes} gives its Build), once. Returns how many pods it ended.
   */
  static int completeRunningPods(
      KubernetesClient client, FakeKubelet kubelet, String namespace, Map<String, Integer> exitCodes, Set<String> ended) {
    int n = 0;
    for (Pod pod : client.pods().inNamespace(namespace).withLabel(CircletApi.LABEL_BUILD).list().getItems()) {
      String name = pod.getMetadata().getName();
      if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase()) || ended.contains(name)) {
        continue;
      }
      String build = pod.getMetadata().getLabels().get(CircletApi.LABEL_BUILD);
      int code = exitCodes.getOrDefault(build, 0);
      try {
        if (code == 0) {
          kubelet.succeed(namespace, name);
        } else {
          kubelet.fail(namespace, name, code);
        }
        ended.add(name);
        n++;
      } catch (KubernetesClientException e) {
        // The pod went away or changed under us; the next round looks again.
      }
    }
    return n;
  }

  /** Pods of the namespace that have not ended: each holds one of its organization's slots. */
  static long livePods(KubernetesClient client, String namespace) {
    return client.pods().inNamespace(namespace).withLabel(CircletApi.LABEL_BUILD).list().getItems().stream()
        .filter(p -> p.getStatus() == null
            || !("Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase())))
        .count();
  }

  /** Builds of the namespace holding a slot according to their status. */
  static long holdingBuilds(KubernetesClient client, String namespace) {
    return client.resources(Build.class).inNamespace(namespace).list().getItems().stream()
        .filter(b -> b.getStatus() != null && b.getStatus().phase != null && b.getStatus().phase.holdsCapacity())
        .count();
  }

  static BuildPhase phase(KubernetesClient client, String namespace, String name) {
    Build b = client.resources(Build.class).inNamespace(namespace).withName(name).get();
    return b == null || b.getStatus() == null ? null : b.getStatus().phase;
  }

  /** Collects pods per Build to check that no Build ever got two. */
  static Map<String, Set<String>> podsByBuild(KubernetesClient client, String namespace, Map<String, Set<String>> seen) {
    for (Pod pod : client.pods().inNamespace(namespace).withLabel(CircletApi.LABEL_BUILD).list().getItems()) {
      seen.computeIfAbsent(pod.getMetadata().getLabels().get(CircletApi.LABEL_BUILD), k -> ConcurrentHashMap.newKeySet())
          .add(pod.getMetadata().getUid());
    }
    return seen;
  }

  private static Path findRepo() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("crds/generated")) && Files.isDirectory(p.resolve("examples/cluster"))) {
        return p;
      }
    }
    throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
  }

  /** The taint process nodes carry in tests, so only Builds of a process-node ResourceClass land there. */
  static final Taint PROCESS_NODE_TAINT =
      new Taint("NoSchedule", "circlet.dev/process-node", null, "true");

  /** A ResourceClass {@code name} whose Builds run on the process nodes of {@code pool}. */
  static void processNodeResourceClass(KubernetesClient client, String name, String pool) {
    ResourceClass rc = new ResourceClass();
    rc.getMetadata().setName(name);
    rc.setSpec(new ResourceClassSpec());
    rc.getSpec().cpu = "1";
    rc.getSpec().memory = "1Gi";
    rc.getSpec().nodePool = pool;
    rc.getSpec().nodeSelector.put(ProcessNodeConfig.POOL_LABEL, pool);
    Toleration t = new Toleration();
    t.setKey(PROCESS_NODE_TAINT.getKey());
    t.setOperator("Exists");
    t.setEffect("NoSchedule");
    rc.getSpec().tolerations.add(t);
    client.resource(rc).createOr(existing -> existing.update());
  }
}
