package dev.circlet.gateway.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.gateway.broker.BrokerTopology;
import dev.circlet.gateway.broker.ConfirmedPublisher;
import dev.circlet.gateway.broker.DeliveryConsumer;
import dev.circlet.gateway.broker.RabbitMqServer;
import dev.circlet.gateway.history.DeliveryStore;
import dev.circlet.gateway.history.PostgresServer;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Deliveries into Workflows on the real kube-apiserver: the Workflows pass the CRD's schema, a
 * replayed delivery makes one Workflow, and a consumer that loses its connection after the create
 * and before the ack meets the API server's real AlreadyExists on redelivery and adopts its Workflow.
 */
@KubeCluster
class DeliveriesOnApiServerTest {
  @Test
  void replays_and_a_crash_before_the_ack_make_one_workflow_each(KubeControlPlane cluster) throws Exception {
    cluster.applyCrds(repo().resolve("crds/generated"));
    cluster.createNamespace("gateway");
    Set<String> crashOnce = ConcurrentHashMap.newKeySet();
    crashOnce.add("crash");
    AtomicReference<DeliveryConsumer> consumer = new AtomicReference<>();
    try (PostgresServer pg = PostgresServer.start(); RabbitMqServer rabbit = RabbitMqServer.create();
        KubernetesClient client = cluster.newClient()) {
      pg.migrate();
      DeliveryStore store = new DeliveryStore(pg.dataSource());
      Pipeline p = DeliveryFlowTest.pipeline("app", "https://github.com/acme/app.git", DeliveryFlowTest.CONFIG);
      p.getMetadata().setNamespace("gateway");
      client.resource(p).create();
      BrokerTopology topology = new BrokerTopology("deliveries", 3);
      try (KubernetesPipelines pipelines = new KubernetesPipelines(client);
          ConfirmedPublisher publisher = new ConfirmedPublisher(rabbit.connectionFactory(), topology,
              Duration.ofSeconds(30), Duration.ofMillis(200))) {
        await().atMost(Duration.ofSeconds(60)).until(() -> pipelines.all().size() == 1);
        WorkflowSink crashing = wf -> {
          pipelines.createOrAdopt(wf);
          if (crashOnce.remove(wf.getSpec().trigger.deliveryId)) {
            consumer.get().abort();
            throw new IllegalStateException("consumer crashed after the create");
          }
        };
        DeliveryProcessor processor = new DeliveryProcessor(store, pipelines,
            (pl, rev) -> new ConfigLoader.Loaded(".circleci/config.yml", pl.getSpec().config),
            new RunPlanner(new ConfigCompiler(OrbStore.empty())), crashing);
        consumer.set(new DeliveryConsumer(rabbit.connectionFactory(), topology, 2, 5, Duration.ofMillis(100),
            new DeliveryHandler(processor)).start());
        try {
          for (String id : new String[] {"replay", "replay", "crash", "replay"}) {
            byte[] body = DeliveryHandler.encode(DeliveryFlowTest.push(id, "https://github.com/acme/app.git", "main",
                DeliveryFlowTest.SHA));
            // Sent again until confirmed, as a VCS redelivers after a 503 (a new quorum queue may nack at first).
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> publisher.publish(Map.of(), body).get(60, TimeUnit.SECONDS) == null);
          }
          await().atMost(Duration.ofSeconds(120)).until(() -> isCreated(store, "replay") && isCreated(store, "crash"));
          assertThat(crashOnce).isEmpty();
          var workflows = client.resources(Workflow.class).inNamespace("gateway").list().getItems();
          assertThat(workflows).hasSize(2);
          assertThat(workflows).extracting(w -> w.getSpec().trigger.deliveryId).containsExactlyInAnyOrder("replay", "crash");
          assertThat(store.runs("gateway", "app")).extracting(DeliveryStore.Run::number).containsExactly(1L, 2L);
        } finally {
          consumer.get().close();
        }
      }
    }
  }

  static boolean isCreated(DeliveryStore store, String id) {
    String[] s = store.delivery("github", id);
    return s != null && "created".equals(s[0]);
  }

  static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("crds/generated"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("crds/generated not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}
