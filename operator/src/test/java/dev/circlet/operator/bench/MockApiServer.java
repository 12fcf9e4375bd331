package dev.circlet.operator.bench;

import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * Serves a Fabric8 mock API server (CRUD mode, Circlet's CRDs, a {@code medium} ResourceClass and
 * an Organization {@code demo}) until killed, to try the packaged operator without a cluster:
 * {@code java -jar operator/target/quarkus-app/quarkus-run.jar} with
 * {@code QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL} set to the URL it prints.
 */
public final class MockApiServer {
  private MockApiServer() {}

  public static void main(String[] args) throws InterruptedException {
    KubernetesMockServer server = OperatorHarness.mockServer();
    KubernetesClient client = OperatorHarness.client(server);
    OperatorHarness fixtures = new OperatorHarness(client, OperatorSettings.defaults());
    fixtures.installCrds();
    fixtures.resourceClass("medium", ExecutorKind.DOCKER);
    fixtures.organization("demo", 10);
    System.out.println("mock API server: " + client.getMasterUrl());
    System.out.flush();
    Thread.currentThread().join();
  }
}
