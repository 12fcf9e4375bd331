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
import dev.circlet.gateway.history.FreshPostgres;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The delivery consumer runs in a JVM of its own and is killed with SIGKILL after it created a
 * Workflow and before the broker got its ack (before the delivery was recorded, or after): RabbitMQ
 * redelivers, the next consumer finds the run under its key with the same number and adopts the
 * Workflow, and there is exactly one Workflow and one run.
 */
@Tag("services")
@EnableKubernetesMockClient(crud = true)
class ConsumerKilledTest {
  @RegisterExtension static final FreshPostgres pg = new FreshPostgres();
  static RabbitMqServer rabbit;
  static KubernetesClient client;
  static int queues;

  @BeforeAll
  static void services() {
    rabbit = RabbitMqServer.create();
  }

  @AfterAll
  static void stop() {
    if (rabbit != null) {
      rabbit.close();
    }
  }

  @ParameterizedTest(name = "killed {0}")
  @ValueSource(strings = {"after-create", "before-ack"})
  void aConsumerKilledBetweenCreateAndAckMakesNoDuplicate(String point) throws Exception {
    client.resources(Workflow.class).inAnyNamespace().delete();
    client.resources(Pipeline.class).inAnyNamespace().delete();
    client.resource(DeliveryFlowTest.pipeline("app", "https://github.com/acme/app.git", DeliveryFlowTest.CONFIG))
        .create();
    String queue = "killed-" + (++queues);
    BrokerTopology topology = new BrokerTopology(queue, 5);
    DeliveryStore store = new DeliveryStore(pg.dataSource());

    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), ConsumerProcess.class.getName(), pg.jdbcUrl(),
        Integer.toString(rabbit.port()), queue, "5", client.getMasterUrl().toString(), point)
        .redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> output = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        lines.add("EOF " + e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      awaitLine(lines, output, "READY", child);
      try (ConfirmedPublisher publisher = new ConfirmedPublisher(rabbit.connectionFactory(), topology,
          Duration.ofSeconds(30), Duration.ofMillis(200))) {
        publisher.publish(Map.of(), DeliveryHandler.encode(DeliveryFlowTest.push("kill-1",
            "https://github.com/acme/app.git", "main", DeliveryFlowTest.SHA))).get(120, TimeUnit.SECONDS);
      }
      awaitLine(lines, output, "BLOCKED", child);
      List<Workflow> before = workflows();
      assertThat(before).hasSize(1);
      assertThat(store.delivery("github", "kill-1")[0])
          .isEqualTo(point.equals("after-create") ? "processing" : "created");

      child.destroyForcibly(); // SIGKILL: no shutdown hook, no channel close, no ack
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(137);

      KubernetesPipelines pipelines = new KubernetesPipelines(client);
      DeliveryProcessor processor = new DeliveryProcessor(store, pipelines,
          (p, rev) -> new ConfigLoader.Loaded(".circleci/config.yml", p.getSpec().config),
          new RunPlanner(new ConfigCompiler(OrbStore.empty())), pipelines);
      List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
      DeliveryHandler handler = new DeliveryHandler(processor);
      try (DeliveryConsumer next = new DeliveryConsumer(rabbit.connectionFactory(), topology, 1, 1,
          Duration.ofMillis(100), (body, props) -> {
            DeliveryConsumer.Disposition d = handler.handle(body, props);
            handled.add(d.name());
            return d;
          }).start()) {
        await().atMost(Duration.ofSeconds(300)).until(() -> handled.contains("ACK"));
      } finally {
        pipelines.close();
      }
      assertThat(store.delivery("github", "kill-1")[0]).isEqualTo("created");
      assertThat(workflows()).singleElement().satisfies(wf -> {
        assertThat(wf.getMetadata().getUid()).as("the same Workflow, adopted").isEqualTo(
            before.get(0).getMetadata().getUid());
        assertThat(wf.getSpec().pipelineNumber).isEqualTo(1L);
      });
      assertThat(store.runs("team", "app")).singleElement().satisfies(r -> {
        assertThat(r.number()).isEqualTo(1);
        assertThat(r.status()).isEqualTo("created");
      });
    } finally {
      child.destroyForcibly();
    }
  }

  private List<Workflow> workflows() {
    return client.resources(Workflow.class).inNamespace("team").list().getItems();
  }

  private static void awaitLine(BlockingQueue<String> lines, List<String> output, String prefix, Process child)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        output.add(line);
        if (line.startsWith(prefix)) {
          return;
        }
      } else if (!child.isAlive() && lines.isEmpty()) {
        break;
      }
    }
    throw new AssertionError("the consumer process never printed " + prefix + "; its output:\n"
        + String.join("\n", output));
  }
}
