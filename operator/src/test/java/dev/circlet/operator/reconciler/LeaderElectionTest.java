package dev.circlet.operator.reconciler;

import static dev.circlet.operator.reconciler.OperatorHarness.build;
import static dev.circlet.operator.reconciler.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two replicas with leader election: only the Lease holder acts; the standby takes over. */
class LeaderElectionTest {
  static final String NS = "ci";

  KubernetesMockServer server;
  KubernetesClient client;
  OperatorHarness first;
  OperatorHarness second;

  @BeforeEach
  void start() {
    server = OperatorHarness.mockServer();
    client = OperatorHarness.client(server);
    first = new OperatorHarness(client, OperatorSettings.defaults().withLeaderElection("default", "replica-a"));
    second = new OperatorHarness(client, OperatorSettings.defaults().withLeaderElection("default", "replica-b"));
    first.installCrds();
    first.resourceClass("medium", ExecutorKind.DOCKER);
    first.organization("acme", 3);
  }

  @AfterEach
  void stop() {
    second.close();
    first.close();
    client.close();
    server.destroy();
  }

  @Test
  void onlyTheLeaderAdmitsAndTheStandbyTakesOver() {
    first.start();
    eventually().until(() -> client.leases().inNamespace("default").withName(OperatorSettings.DEFAULT_LEASE_NAME).get() != null);
    second.start();
    for (int i = 0; i < 4; i++) {
      first.create(build(NS, "b" + i, "acme", "medium"));
    }
    eventually().until(() -> first.buildPods(NS).size() == 3);
    first.awaitPhase(NS, "b0", BuildPhase.Admitted);
    assertThat(client.leases().inNamespace("default").withName(OperatorSettings.DEFAULT_LEASE_NAME).get()
        .getSpec().getHolderIdentity()).isEqualTo("replica-a");
    assertThat(first.operator().admission().seeded()).isTrue();
    assertThat(second.operator().admission().seeded()).as("the standby never reconciled").isFalse();

    first.stop();
    eventually().until(() -> "replica-b".equals(client.leases().inNamespace("default")
        .withName(OperatorSettings.DEFAULT_LEASE_NAME).get().getSpec().getHolderIdentity()));
    eventually().until(() -> second.operator().admission().seeded()
        && second.operator().admission().holding("acme") == 3 && second.operator().admission().queued("acme") == 1);
    assertThat(second.buildPods(NS)).hasSize(3);

    second.runPod(NS, "b0", "node-1");
    second.finishPod(NS, "b0", 0);
    second.awaitPhase(NS, "b0", BuildPhase.Succeeded);
    eventually().until(() -> second.buildPods(NS).size() == 4);
  }
}
