package dev.circlet.gateway.api;

import dev.circlet.gateway.broker.RabbitMqServer;
import dev.circlet.gateway.history.PostgresServer;
import dev.circlet.gateway.testing.LocalServers;
import dev.circlet.gateway.testing.RedisServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * The services a booted gateway needs in tests: PostgreSQL, RabbitMQ and Redis on loopback, and the
 * Fabric8 mock API server in CRUD mode. Object storage points at a closed port: the tests read logs
 * while they are in the hot buffer, and uploads keep retrying. Static, so the test can reach them.
 */
public final class GatewayServices implements QuarkusTestResourceLifecycleManager {
  /** The bootstrap secret the booted gateway accepts on the token endpoints. */
  static final String BOOTSTRAP = "bootstrap-secret-for-tests-0123456789";
  static PostgresServer pg;
  static RabbitMqServer rabbit;
  static KubernetesMockServer kube;
  static RedisServer redis;

  @Override
  public Map<String, String> start() {
    pg = PostgresServer.start();
    rabbit = RabbitMqServer.create();
    kube = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    kube.init();
    redis = RedisServer.start();
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
    config.put("circlet.logs.redis-url", redis.url());
    try {
      config.put("circlet.storage.endpoint", "http://127.0.0.1:" + LocalServers.freePort());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    config.put("circlet.storage.access-key", "test");
    config.put("circlet.storage.secret-key", "test-secret");
    config.put("circlet.storage.timeout", "2s");
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
    if (redis != null) {
      redis.close();
    }
    if (rabbit != null) {
      rabbit.close();
    }
    if (pg != null) {
      pg.close();
    }
  }
}
