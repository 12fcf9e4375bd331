package dev.circlet.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.JobState;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.kubetest.FakeKubelet;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.reconciler.PipelineReconciler;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real operator, in-process, against a real kube-apiserver: the scheduler places build pods
 * on the node pools of their resource classes, kwok runs them, and the test plays the kubelet
 * that ends them.
 */
@KubeCluster
class OperatorOnApiServerTest {
  private static final int[] RESTART_AFTER = {3, 11, 17};
  private static KubeControlPlane cluster;
  private static KubernetesClient client;
  private static OperatorHarness harness;

  @BeforeAll
  static void start(KubeControlPlane cp) {
    cluster = cp;
    ClusterFixture.install(cp);
    client = cp.newClient();
    harness = new OperatorHarness(client, OperatorSettings.defaults()).start();
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
    if (client != null) {
      client.close();
    }
  }

  static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200));
  }

  @Test
  void workflowRunsToCompletionWithinCapacityOnTheRightNodePools(FakeKubelet kubelet) {
    String ns = "wf-e2e";
    cluster.createNamespace(ns);
    ClusterFixture.organization(client, "wf-org", 2);
    OperatorHarness.bind(client, ns, "wf-org");
    Workflow wf = ClusterFixture.workflow(ns, "web", 1, "wf-org", List.of(
        job("build", "medium"),
        job("test-unit", "large", "build"),
        job("test-heavy", "xlarge", "build"),
        job("test-arm", "arm.medium", "build"),
        job("package", "small", "test-unit", "test-heavy", "test-arm")));
    client.resource(wf).create();

    Set<String> ended = ConcurrentHashMap.newKeySet();
    AtomicLong maxLive = new AtomicLong();
    eventually().alias("workflow succeeds").until(() -> {
      maxLive.accumulateAndGet(ClusterFixture.livePods(client, ns), Math::max);
      ClusterFixture.completeRunningPods(client, kubelet, ns, Map.of(), ended);
      Workflow w = client.resource(wf).get();
      return w.getStatus() != null && w.getStatus().phase == WorkflowPhase.Succeeded;
    });

    assertThat(maxLive.get()).as("pods alive at once, organization capacity 2").isBetween(1L, 2L);
    Workflow done = client.resource(wf).get();
    assertThat(done.getStatus().jobs).extracting(j -> j.state).containsOnly(JobState.Succeeded);
    assertThat(done.getStatus().finishedAt).isNotBlank();

    Map<String, String> poolOfNode = new HashMap<>();
    for (Node n : client.nodes().list().getItems()) {
      poolOfNode.put(n.getMetadata().getName(), n.getMetadata().getLabels().get("circlet.dev/pool"));
    }
    List<Build> builds = client.resources(Build.class).inNamespace(ns).list().getItems();
    assertThat(builds).hasSize(5);
    for (Build b : builds) {
      ResourceClass rc = client.resources(ResourceClass.class).withName(b.getSpec().job.resourceClass).get();
      assertThat(b.getStatus().phase).isEqualTo(BuildPhase.Succeeded);
      assertThat(b.getStatus().nodeName).as(b.getMetadata().getName()).isNotBlank();
      assertThat(poolOfNode.get(b.getStatus().nodeName))
          .as("node pool of %s (%s)", b.getMetadata().getName(), rc.getMetadata().getName())
          .isEqualTo(rc.getSpec().nodePool);
      assertThat(b.getStatus().nodePool).isEqualTo(rc.getSpec().nodePool);
    }
  }

  @Test
  void unsatisfiableResourceClassIsReportedWithTheSchedulersReason() {
    String ns = "unsched";
    cluster.createNamespace(ns);
    ClusterFixture.organization(client, "unsched-org", 5);
    OperatorHarness.bind(client, ns, "unsched-org");
    Build b = OperatorHarness.build(ns, "needs-gpu", "unsched-org", "gpu.nvidia.small");
    client.resource(b).create();
    eventually().alias("Unschedulable reason on the Build").until(() -> {
      Build got = client.resource(b).get();
      return got.getStatus() != null && "Unschedulable".equals(got.getStatus().reason);
    });
    Build got = client.resource(b).get();
    assertThat(got.getStatus().phase).isEqualTo(BuildPhase.Admitted);
    assertThat(got.getStatus().message).contains("didn't match Pod's node affinity/selector");
  }

  @Test
  void deletingABuildLetsTheGarbageCollectorRemoveItsPodAndFreesCapacity() {
    String ns = "gc";
    cluster.createNamespace(ns);
    ClusterFixture.organization(client, "gc-org", 1);
    OperatorHarness.bind(client, ns, "gc-org");
    client.resource(OperatorHarness.build(ns, "one", "gc-org", "medium")).create();
    client.resource(OperatorHarness.build(ns, "two", "gc-org", "medium")).create();
    // Capacity 1: whichever arrives first is admitted, the other waits.
    eventually().until(() -> !client.pods().inNamespace(ns).withLabel(CircletApi.LABEL_BUILD).list().getItems().isEmpty());
    Pod pod = client.pods().inNamespace(ns).withLabel(CircletApi.LABEL_BUILD).list().getItems().get(0);
    String admitted = pod.getMetadata().getLabels().get(CircletApi.LABEL_BUILD);
    String waiting = admitted.equals("one") ? "two" : "one";
    Build admittedBuild = client.resources(Build.class).inNamespace(ns).withName(admitted).get();
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(admittedBuild.getMetadata().getUid()));
    eventually().alias(waiting + " waits for capacity").until(() -> {
      Build s = client.resources(Build.class).inNamespace(ns).withName(waiting).get();
      return s.getStatus() != null && s.getStatus().phase == BuildPhase.Queued
          && s.getStatus().conditions.stream().anyMatch(c -> "Admitted".equals(c.getType())
              && c.getMessage() != null && c.getMessage().contains("gc-org"));
    });
    assertThat(client.pods().inNamespace(ns).withName(waiting).get()).isNull();

    client.resource(admittedBuild).delete();
    eventually().alias("garbage collector deletes the pod")
        .until(() -> client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get() == null);
    eventually().alias(waiting + " admitted once the other is gone")
        .until(() -> client.pods().inNamespace(ns).withName(waiting).get() != null);
  }

  @Test
  void statusWritesSurviveConcurrentWritersOfTheSameBuild(FakeKubelet kubelet) throws Exception {
    String ns = "conflict";
    cluster.createNamespace(ns);
    ClusterFixture.organization(client, "conflict-org", 5);
    OperatorHarness.bind(client, ns, "conflict-org");
    Build b = client.resource(OperatorHarness.build(ns, "contended", "conflict-org", "medium")).create();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong edits = new AtomicLong();
    // Another writer keeps changing the Build's metadata, so the operator's status writes meet
    // stale resourceVersions (409) and must retry instead of losing the update.
    Thread writer = new Thread(() -> {
      try (KubernetesClient other = cluster.newClient()) {
        while (!stop.get()) {
          other.resources(Build.class).inNamespace(ns).withName("contended")
              .patch(PatchContext.of(PatchType.JSON_MERGE),
                  "{\"metadata\":{\"labels\":{\"touched\":\"" + edits.incrementAndGet() + "\"}}}");
        }
      }
    });
    writer.start();
    try {
      Set<String> ended = new HashSet<>();
      eventually().until(() -> {
        ClusterFixture.completeRunningPods(client, kubelet, ns, Map.of(), ended);
        return ClusterFixture.phase(client, ns, "contended") == BuildPhase.Succeeded;
      });
    } finally {
      stop.set(true);
      writer.join();
    }
    Build done = client.resource(b).get();
    assertThat(edits.get()).as("concurrent metadata edits").isGreaterThan(5);
    assertThat(done.getStatus().admittedAt).isNotBlank();
    assertThat(done.getStatus().startedAt).isNotBlank();
    assertThat(done.getStatus().finishedAt).isNotBlank();
    assertThat(done.getStatus().exitCode).isZero();
  }

  @Test
  void restartMidAdmissionCreatesNoDuplicatePodsAndNeverExceedsCapacity(FakeKubelet kubelet) {
    String ns = "restart";
    int capacity = 4;
    int count = 24;
    cluster.createNamespace(ns);
    ClusterFixture.organization(client, "restart-org", capacity);
    OperatorHarness.bind(client, ns, "restart-org");
    for (int i = 0; i < count; i++) {
      client.resource(OperatorHarness.build(ns, "b" + i, "restart-org", "small")).create();
    }
    Map<String, Set<String>> pods = new ConcurrentHashMap<>();
    Set<String> ended = ConcurrentHashMap.newKeySet();
    AtomicLong maxLive = new AtomicLong();
    List<Integer> restartsAt = new ArrayList<>();
    eventually().atMost(Duration.ofSeconds(180)).alias("all builds succeed across restarts").until(() -> {
      maxLive.accumulateAndGet(ClusterFixture.livePods(client, ns), Math::max);
      ClusterFixture.podsByBuild(client, ns, pods);
      int done = ended.size();
      if (restartsAt.size() < RESTART_AFTER.length && done >= RESTART_AFTER[restartsAt.size()]) {
        // Stop the operator while it is admitting and creating pods, and start a new one that
        // must rebuild its admission state from the cluster before admitting anything.
        restartsAt.add(done);
        harness.restart();
      }
      ClusterFixture.completeRunningPods(client, kubelet, ns, Map.of(), ended);
      return client.resources(Build.class).inNamespace(ns).list().getItems().stream()
          .allMatch(b -> b.getStatus() != null && b.getStatus().phase == BuildPhase.Succeeded);
    });
    assertThat(restartsAt).hasSize(3);
    assertThat(maxLive.get()).as("live pods at once, capacity " + capacity).isLessThanOrEqualTo(capacity);
    assertThat(pods).hasSize(count);
    assertThat(pods.values()).allSatisfy(uids -> assertThat(uids).as("pods of one Build").hasSize(1));
    assertThat(client.pods().inNamespace(ns).withLabel(CircletApi.LABEL_BUILD).list().getItems()).hasSize(count);
  }

  /** The example Pipeline uses a registry orb that the example ConfigMap vendors. */
  @Test
  void examplePipelineCompilesOnceItsOrbIsVendoredInTheOperatorsNamespace() {
    String ns = "pipelines";
    cluster.createNamespace(ns);
    OperatorHarness.bind(client, ns, "acme");
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
        .withName(OperatorSettings.DEFAULT_OPERATOR_NAMESPACE).endMetadata().build()).createOr(existing -> existing.update());
    HasMetadata pipeline = ClusterFixture.load(client, "pipeline.yaml").get(0);
    pipeline.getMetadata().setNamespace(ns);
    client.resource(pipeline).create();
    eventually().alias("ConfigValid=False naming the missing orb").until(() -> {
      Condition c = configValid(ns, "web");
      return c != null && "False".equals(c.getStatus()) && c.getMessage().contains("acme/toolkit@1.2");
    });

    HasMetadata orb = ClusterFixture.load(client, "orb-acme-toolkit.yaml").get(0);
    orb.getMetadata().setNamespace(OperatorSettings.DEFAULT_OPERATOR_NAMESPACE);
    client.resource(orb).createOr(existing -> existing.update());
    eventually().alias("ConfigValid=True once the orb is vendored")
        .until(() -> configValid(ns, "web") != null && "True".equals(configValid(ns, "web").getStatus()));
    assertThat(client.resources(Pipeline.class).inNamespace(ns).withName("web").get().getStatus().workflows)
        .containsExactly("release");
  }

  /** A job's context waits for its labelled Secret, then reaches the agent as a volume. */
  @Test
  void aContextIsAwaitedThenMountedFromTheExampleSecret() {
    String ns = "contexts";
    cluster.createNamespace(ns);
    ClusterFixture.organization(client, "ctx-org", 2);
    OperatorHarness.bind(client, ns, "ctx-org");
    Build b = OperatorHarness.build(ns, "deploy", "ctx-org", "medium");
    b.getSpec().job.contexts = List.of("aws-prod");
    client.resource(b).create();
    eventually().alias("waits: ContextNotFound").until(() -> {
      Build q = client.resources(Build.class).inNamespace(ns).withName("deploy").get();
      return q.getStatus() != null && "ContextNotFound".equals(q.getStatus().reason);
    });
    assertThat(client.pods().inNamespace(ns).withName("deploy").get()).isNull();

    HasMetadata secret = ClusterFixture.load(client, "context-aws-prod.yaml").get(0);
    secret.getMetadata().setNamespace(ns);
    client.resource(secret).create();
    eventually().alias("admitted once the context exists")
        .until(() -> client.pods().inNamespace(ns).withName("deploy").get() != null);
    Pod pod = client.pods().inNamespace(ns).withName("deploy").get();
    assertThat(pod.getSpec().getVolumes()).anySatisfy(v ->
        assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName()).isEqualTo("aws-prod-context"));
  }

  private static Condition configValid(String ns, String name) {
    Pipeline p = client.resources(Pipeline.class).inNamespace(ns).withName(name).get();
    return p == null || p.getStatus() == null ? null
        : Conditions.find(p.getStatus().conditions, PipelineReconciler.CONFIG_VALID);
  }

  private static JobSpec job(String name, String resourceClass, String... requires) {
    JobSpec job = OperatorHarness.job(name, resourceClass);
    job.requires = List.of(requires);
    return job;
  }
}
