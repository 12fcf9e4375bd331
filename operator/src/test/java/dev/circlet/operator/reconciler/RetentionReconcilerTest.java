package dev.circlet.operator.reconciler;

import static dev.circlet.operator.reconciler.OperatorHarness.build;
import static dev.circlet.operator.reconciler.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.api.naming.Names;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Finished runs leave the cluster after the retention: Workflows with their Builds, standalone Builds alone. */
class RetentionReconcilerTest {
  static final String NS = "ci";

  KubernetesClient client;
  OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = OperatorHarness.onMockServer(OperatorSettings.defaults().withFinishedTtl(Duration.ofSeconds(2)));
    client = harness.client();
    harness.resourceClass("medium", ExecutorKind.DOCKER);
    harness.organization("acme", 5);
    harness.bind(NS, "acme");
    harness.start();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aFinishedWorkflowIsDeletedAfterTheRetentionAndItsBuildsAreLeftToItsGarbage() {
    client.resource(WorkflowReconcilerTest.workflow("old", WorkflowReconcilerTest.job("test"))).create();
    String build = Names.build("old", "test", null, 1);
    harness.awaitPhase(NS, build, BuildPhase.Admitted);
    harness.runPod(NS, Names.pod(build), "node-1");
    harness.finishPod(NS, Names.pod(build), 0);
    eventually().until(() -> {
      Workflow wf = client.resources(Workflow.class).inNamespace(NS).withName("old").get();
      return wf != null && wf.getStatus() != null && wf.getStatus().phase == WorkflowPhase.Succeeded;
    });
    eventually().atMost(Duration.ofSeconds(30)).until(() -> client.resources(Workflow.class).inNamespace(NS)
        .withName("old").get() == null);
    // The mock server has no garbage collector: the Build a Workflow owns is never deleted by the
    // Build's own retention, it goes with its Workflow (the real-cluster tier shows the cascade).
    assertThat(harness.get(NS, build)).isNotNull();
  }

  @Test
  void aFinishedStandaloneBuildIsDeletedAfterTheRetention() {
    harness.create(build(NS, "alone", "acme", "medium"));
    harness.awaitPhase(NS, "alone", BuildPhase.Admitted);
    harness.runPod(NS, Names.pod("alone"), "node-1");
    harness.finishPod(NS, Names.pod("alone"), 0);
    harness.awaitPhase(NS, "alone", BuildPhase.Succeeded);
    eventually().atMost(Duration.ofSeconds(30)).until(() -> harness.get(NS, "alone") == null);
  }
}
