package dev.circlet.gateway.api;

import dev.circlet.gateway.broker.RabbitMqServer;
import dev.circlet.gateway.history.PostgresServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * The services a booted gateway needs in tests: PostgreSQL and RabbitMQ on loopback, and the Fabric8
 * mock API server in CRUD mode. Static, so the test can reach them.
 */
public final class GatewayServices implements QuarkusTestResourceLifecycleManager {
  /** The bootstrap secret the booted gateway accepts on the token endpoints. */
  static final String BOOTSTRAP = "bootstrap-secret-for-tests-0123456789";
  static PostgresServer pg;
  static RabbitMqServer rabbit;
  static KubernetesMockServer kube;

  @Override
  public Map<String, String> start() {
    pg = PostgresServer.start();
    rabbit = RabbitMqServer.create();
    kube = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    kube.init();
    Map<String, String> config = new HashMap<>();
    config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl());
    config.put("quarkus.datasource.username", PostgresServer.USER);
    config.put("circlet.gateway.broker.host", rabbit.host());
    config.put("circlet.gateway.broker.port", Integer.toString(rabbit.port()));
    config.put("circlet.gateway.broker.retry-pause", "100ms");
    config.put("quarkus.kubernetes-client.api-server-url", kube.url("/"));
    config.put("quarkus.kubernetes-client.trust-certs", "true");
    config.put("quarkus.kubernetes-client.namespace", "default");
    config.put("circlet.gateway.admin-token", BOOTSTRAP);
    return config;
  }

  static KubernetesClient client() {
    return kube.createClient();
  }

  @Override
  public void stop() {
    if (kube != null) {
      kube.destroy();
    }
    if (rabbit != null) {
      rabbit.close();
    }
    if (pg != null) {
      pg.close();
    }
  }
}
