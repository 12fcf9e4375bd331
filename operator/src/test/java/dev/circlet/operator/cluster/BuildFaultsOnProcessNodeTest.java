package dev.circlet.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.Step;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.kubetest.node.ProcessNode;
import dev.circlet.kubetest.node.ProcessNodeConfig;
import dev.circlet.operator.node.NodeLiveness;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults under running builds on the real control plane, with build pods running as processes:
 * a build pod deleted under its Build, and the node of a running Build stopping. Each must fail
 * the Build with a reason that says what happened and free its Organization's slot, which a
 * Build queued behind it (maximum one concurrent Build) proves by being admitted.
 */
@KubeCluster
class BuildFaultsOnProcessNodeTest {
  private static final Taint TAINT = ClusterFixture.PROCESS_NODE_TAINT;
  /** Short for the test; the process nodes renew their Lease every second, well inside it. */
  private static final Duration NODE_LOST_GRACE = Duration.ofSeconds(8);
  private static final Duration DEADLINE = Duration.ofSeconds(180);

  private static KubernetesClient client;
  private static OperatorHarness harness;
  private static final List<KubernetesClient> nodeClients = new ArrayList<>();
  private static final List<ProcessNode> nodes = new ArrayList<>();
  private static Path work;

  @BeforeAll
  static void start(KubeControlPlane cp) throws IOException {
    ClusterFixture.install(cp);
    client = cp.newClient();
    work = Files.createTempDirectory("build-faults");
    for (String pool : List.of("fault-deleted", "fault-node")) {
      resourceClass(pool);
      ClusterFixture.organization(client, pool + "-org", 1);
      OperatorHarness.bind(client, pool, pool + "-org");
    }
    harness = new OperatorHarness(client, OperatorSettings.defaults().withNodeLostGrace(NODE_LOST_GRACE)).start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (harness != null) {
      harness.close();
    }
    nodes.forEach(ProcessNode::closeAndDeregister);
    nodeClients.forEach(KubernetesClient::close);
    if (client != null) {
      client.close();
    }
    try (var files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private static void resourceClass(String pool) {
    ClusterFixture.processNodeResourceClass(client, pool + ".small", pool);
  }

  private static ProcessNode node(KubeControlPlane cp, String pool) {
    KubernetesClient nodeClient = cp.newClient();
    nodeClients.add(nodeClient);
    ProcessNode node = ProcessNode.start(nodeClient, ProcessNodeConfig.of(pool + "-1", pool, work.resolve(pool))
        .withTaints(List.of(TAINT)).withHeartbeat(Duration.ofSeconds(1)));
    nodes.add(node);
    return node;
  }

  private static Build build(String pool, String name, Step step) {
    Build b = OperatorHarness.build(pool, name, pool + "-org", pool + ".small");
    b.getSpec().job.steps.clear();
    b.getSpec().job.steps.add(step);
    b.getSpec().timeoutSeconds = 900L;
    return client.resource(b).create();
  }

  private static Build get(String ns, String name) {
    return client.resources(Build.class).inNamespace(ns).withName(name).get();
  }

  private static Build await(String ns, String name, String what, Predicate<Build> condition) {
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).alias(name + " " + what)
        .until(() -> {
          Build b = get(ns, name);
          return b != null && b.getStatus() != null && b.getStatus().phase != null && condition.test(b);
        });
    return get(ns, name);
  }

  private static boolean is(Build b, BuildPhase phase) {
    return b.getStatus().phase == phase;
  }

  /** The long Build runs its step and the one behind it waits for the Organization's only slot. */
  private static Build runningWithOneQueued(String ns) {
    build(ns, "long", Step.run("wait", "sleep 600"));
    Build running = await(ns, "long", "runs", b -> is(b, BuildPhase.Running));
    build(ns, "next", Step.run("after", "echo next ran"));
    await(ns, "next", "waits for the slot", b -> is(b, BuildPhase.Queued) && b.getStatus().message != null);
    assertThat(get(ns, "next").getStatus().podName).isNull();
    return running;
  }

  @Test
  void aBuildPodDeletedUnderARunningBuildFailsItAndFreesTheSlot(KubeControlPlane cp) {
    String ns = "fault-deleted";
    node(cp, ns);
    Build running = runningWithOneQueued(ns);

    client.pods().inNamespace(ns).withName(running.getStatus().podName).delete();
    long injected = System.nanoTime();

    Build failed = await(ns, "long", "ends", b -> b.getStatus().phase.isTerminal());
    assertThat(failed.getStatus().phase).isEqualTo(BuildPhase.Failed);
    // Which the operator sees first is a race: the pod stopping (the kubelet's SIGTERM) or gone.
    assertThat(failed.getStatus().reason).isIn("PodDeleted", "PodLost");
    assertThat(failed.getStatus().message).contains("deleted");
    Build next = await(ns, "next", "ends", b -> b.getStatus().phase.isTerminal());
    assertThat(next.getStatus().phase).as(next.getStatus().message).isEqualTo(BuildPhase.Succeeded);
    report(10, "the build pod of a running Build deleted", failed, injected, "queued Build admitted and Succeeded");
  }

  /** The fault suite's line: number, injection, what the Build says and how long it took, what was lost. */
  private static void report(int n, String fault, Build failed, long injectedNanos, String freed) {
    System.out.printf("FAULT | %d | %s | %s/%s: %s; ended within %d s of the injection; %s | nothing%n", n, fault,
        failed.getStatus().phase, failed.getStatus().reason, failed.getStatus().message,
        Duration.ofNanos(System.nanoTime() - injectedNanos).toSeconds(), freed);
  }

  @Test
  void aStoppedNodeFailsItsBuildsWithNodeLostAndFreesTheSlot(KubeControlPlane cp) {
    String ns = "fault-node";
    ProcessNode node = node(cp, ns);
    Build running = runningWithOneQueued(ns);
    String pod = running.getStatus().podName;

    node.close();
    long injected = System.nanoTime();

    Build failed = await(ns, "long", "ends", b -> b.getStatus().phase.isTerminal());
    assertThat(failed.getStatus().phase).isEqualTo(BuildPhase.Failed);
    assertThat(failed.getStatus().reason).isEqualTo(NodeLiveness.REASON);
    assertThat(failed.getStatus().message)
        .startsWith("node \"" + node.name() + "\" has been NotReady since ")
        .contains("process node stopped");
    Awaitility.await().atMost(DEADLINE).alias("the lost node's pod is removed")
        .until(() -> client.pods().inNamespace(ns).withName(pod).get() == null);
    // The slot is free: the queued Build is admitted (its pod cannot start, the pool's node is down).
    Build next = await(ns, "next", "is admitted", b -> b.getStatus().phase.holdsCapacity());
    assertThat(next.getStatus().podName).isNotNull();
    report(12, "the process node running a Build stopped (node-lost grace " + NODE_LOST_GRACE.toSeconds() + " s)",
        failed, injected,
        "pod removed, queued Build admitted");
  }
}
