package dev.circlet.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.kubetest.FakeKubelet;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.api.naming.Names;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A finished Workflow leaves the cluster after its retention, and the real garbage collector takes
 * everything it owns with it: Builds, their pods and their agent Secrets.
 */
@KubeCluster
class RetentionOnApiServerTest {
  @Test
  void aFinishedWorkflowGoesWithItsBuildsPodsAndSecrets(KubeControlPlane cluster, FakeKubelet kubelet) {
    ClusterFixture.install(cluster);
    String ns = "retention";
    cluster.createNamespace(ns);
    try (KubernetesClient client = cluster.newClient();
        OperatorHarness harness = new OperatorHarness(client,
            OperatorSettings.defaults().withFinishedTtl(Duration.ofSeconds(3))).start()) {
      ClusterFixture.organization(client, "retention-org", 2);
      OperatorHarness.bind(client, ns, "retention-org");
      Workflow wf = ClusterFixture.workflow(ns, "app", 9, "retention-org", List.of(OperatorHarness.job("test", "medium")));
      client.resource(wf).create();

      String build = Names.build("app-9-main", "test", null, 1);
      Set<String> ended = ConcurrentHashMap.newKeySet();
      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .alias("workflow succeeds").until(() -> {
            ClusterFixture.completeRunningPods(client, kubelet, ns, Map.of(), ended);
            Workflow w = client.resource(wf).get();
            return w.getStatus() != null && w.getStatus().phase == WorkflowPhase.Succeeded;
          });
      assertThat(client.pods().inNamespace(ns).withName(Names.pod(build)).get()).isNotNull();

      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
          .alias("the Workflow and everything it owns are gone").until(() ->
              client.resources(Workflow.class).inNamespace(ns).withName("app-9-main").get() == null
                  && client.resources(Build.class).inNamespace(ns).list().getItems().isEmpty()
                  && client.pods().inNamespace(ns).withLabel(CircletApi.LABEL_BUILD).list().getItems().isEmpty());
    }
  }
}
