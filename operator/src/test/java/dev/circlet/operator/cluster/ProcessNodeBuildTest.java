package dev.circlet.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.Step;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.kubetest.node.ProcessNode;
import dev.circlet.kubetest.node.ProcessNodeConfig;
import dev.circlet.api.naming.Names;
import dev.circlet.operator.pod.BuildPodFactory;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real operator and a process node on the real control plane: build pods run their steps as
 * local processes (the agent sidecar, the shim in the primary), so a Build's outcome comes from
 * real step exits through the pod's status, not from a test playing the kubelet.
 */
@KubeCluster
class ProcessNodeBuildTest {
  private static final String NS = "process-builds";
  private static final String POOL = "process-e2e";
  private static final String CLASS = "process.small";
  private static final Taint TAINT = ClusterFixture.PROCESS_NODE_TAINT;

  private static KubernetesClient client;
  private static KubernetesClient nodeClient;
  private static OperatorHarness harness;
  private static ProcessNode node;
  private static Path work;

  @BeforeAll
  static void start(KubeControlPlane cp) throws IOException {
    ClusterFixture.install(cp);
    cp.createNamespace(NS);
    client = cp.newClient();
    nodeClient = cp.newClient();
    ClusterFixture.processNodeResourceClass(client, CLASS, POOL);
    ClusterFixture.organization(client, "process-org", 2);
    OperatorHarness.bind(client, NS, "process-org");
    work = Files.createTempDirectory("process-node-builds");
    node = ProcessNode.start(nodeClient, ProcessNodeConfig.of("process-e2e-1", POOL, work)
        .withTaints(List.of(TAINT)));
    harness = new OperatorHarness(client, OperatorSettings.defaults()).start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (harness != null) {
      harness.close();
    }
    if (node != null) {
      node.closeAndDeregister();
    }
    if (nodeClient != null) {
      nodeClient.close();
    }
    if (client != null) {
      client.close();
    }
    try (var files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private static Build build(String name, Step... steps) {
    Build b = OperatorHarness.build(NS, name, "process-org", CLASS);
    b.getSpec().job.steps.clear();
    b.getSpec().job.steps.addAll(List.of(steps));
    b.getSpec().timeoutSeconds = 300L;
    return client.resource(b).create();
  }

  private static Build awaitEnd(String name) {
    Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
        .alias(name + " ends").until(() -> {
          BuildPhase p = ClusterFixture.phase(client, NS, name);
          return p != null && p.isTerminal();
        });
    return client.resources(Build.class).inNamespace(NS).withName(name).get();
  }

  private static ContainerStatus primary(Build b) {
    Pod pod = client.pods().inNamespace(NS).withName(b.getStatus().podName).get();
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> BuildPodFactory.PRIMARY.equals(s.getName())).findFirst().orElseThrow();
  }

  @Test
  void aJobsStepsRunAndTheBuildSucceeds() throws IOException {
    build("hello", Step.run("greet", "echo hello > out.txt"));

    Build done = awaitEnd("hello");

    assertThat(done.getStatus().phase).as(done.getStatus().message).isEqualTo(BuildPhase.Succeeded);
    assertThat(done.getStatus().nodeName).isEqualTo("process-e2e-1");
    assertThat(done.getStatus().exitCode).isZero();
    assertThat(done.getStatus().podName).isEqualTo(Names.pod("hello"));
    // ~/project lives in the pod's project volume
    Path out = node.podDir(NS, done.getStatus().podName).resolve("volumes/project/project/out.txt");
    assertThat(Files.readString(out)).isEqualTo("hello\n");
    assertThat(primary(done).getState().getTerminated().getMessage())
        .contains("\"outcome\":\"success\"").contains("\"n\":\"greet\"");
  }

  @Test
  void aFailingStepFailsTheBuildAndNamesTheStep() {
    build("broken", Step.run("fine", "echo fine"), Step.run("boom", "echo about to fail; exit 3"),
        Step.run("never", "echo never > never.txt"));

    Build done = awaitEnd("broken");

    assertThat(done.getStatus().phase).isEqualTo(BuildPhase.Failed);
    assertThat(done.getStatus().reason).isEqualTo("StepFailed");
    assertThat(done.getStatus().message).isEqualTo("step \"boom\" failed (exit 3)");
    assertThat(done.getStatus().exitCode).isEqualTo(1);
    assertThat(node.podDir(NS, done.getStatus().podName).resolve("volumes/project/project/never.txt"))
        .doesNotExist();
  }
}
