package dev.circlet.gateway.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.gateway.broker.BrokerTopology;
import dev.circlet.gateway.broker.ConfirmedPublisher;
import dev.circlet.gateway.broker.DeliveryConsumer;
import dev.circlet.gateway.broker.RabbitMqServer;
import dev.circlet.gateway.history.DeliveryStore;
import dev.circlet.gateway.history.FreshPostgres;
import dev.circlet.gateway.webhook.Delivery;
import dev.circlet.gateway.webhook.TriggerEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deliveries through a real RabbitMQ quorum queue and a real PostgreSQL into Workflows (on the
 * Fabric8 mock API server in CRUD mode): replays, duplicates, poison messages, a consumer crash
 * between create and ack, and the records of deliveries that create nothing.
 */
@Tag("services")
@EnableKubernetesMockClient(crud = true)
class DeliveryFlowTest {
  static final String CONFIG = """
      version: 2.1
      jobs:
        build:
          docker: [{image: cimg/base:stable}]
          steps: [checkout, {run: echo << pipeline.number >>}]
      workflows:
        main:
          jobs:
            - build:
                filters: {branches: {ignore: [skip-me]}}
      """;
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @RegisterExtension static final FreshPostgres pg = new FreshPostgres();
  static RabbitMqServer rabbit;
  static KubernetesClient client;
  static int queueCounter;

  DeliveryStore store;
  KubernetesPipelines pipelines;
  ConfirmedPublisher publisher;
  DeliveryConsumer consumer;
  BrokerTopology topology;
  final Set<String> crashOnce = ConcurrentHashMap.newKeySet();
  final AtomicReference<DeliveryConsumer> current = new AtomicReference<>();

  @BeforeAll
  static void services() {
    rabbit = RabbitMqServer.create();
  }

  @AfterAll
  static void stopServices() {
    if (rabbit != null) {
      rabbit.close();
    }
  }

  @BeforeEach
  void setUp() {
    store = new DeliveryStore(pg.dataSource());
    client.resources(Workflow.class).inAnyNamespace().delete();
    client.resources(Pipeline.class).inAnyNamespace().delete();
    client.resource(pipeline("app", "https://github.com/acme/app.git", CONFIG)).create();
    client.resource(pipeline("broken", "https://github.com/acme/broken.git", "version: 2.1\njobs: [1, 2]\n")).create();
    pipelines = new KubernetesPipelines(client);
    await().atMost(Duration.ofSeconds(60)).until(() -> pipelines.all().size() == 2);
    topology = new BrokerTopology("deliveries-" + (++queueCounter), 3);
    publisher = new ConfirmedPublisher(rabbit.connectionFactory(), topology, Duration.ofSeconds(30), Duration.ofMillis(200));
    ConfigLoader inline = (p, rev) -> {
      if ("poison".equals(rev)) {
        throw new IllegalStateException("the repository cannot be read");
      }
      return new ConfigLoader.Loaded(".circleci/config.yml", p.getSpec().config);
    };
    WorkflowSink crashing = wf -> {
      pipelines.createOrAdopt(wf);
      if (crashOnce.remove(wf.getSpec().trigger.deliveryId)) {
        // The consumer dies after the create and before its ack: the broker redelivers.
        current.get().abort();
        throw new IllegalStateException("consumer crashed");
      }
    };
    DeliveryProcessor processor = new DeliveryProcessor(store, pipelines, inline,
        new RunPlanner(new ConfigCompiler(OrbStore.empty())), crashing);
    consumer = new DeliveryConsumer(rabbit.connectionFactory(), topology, 4, 20, Duration.ofMillis(100),
        new DeliveryHandler(processor));
    current.set(consumer);
    consumer.start();
  }

  @AfterEach
  void tearDown() {
    consumer.close();
    publisher.close();
    pipelines.close();
  }

  static Pipeline pipeline(String name, String url, String config) {
    Pipeline p = new Pipeline();
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace("team");
    p.setSpec(new PipelineSpec());
    p.getSpec().organization = "acme";
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = url;
    p.getSpec().config = config;
    return p;
  }

  static Delivery push(String id, String repo, String branch, String revision) {
    return new Delivery("github", id, "push", List.of(new TriggerEvent("push", List.of(repo), branch, null, revision,
        null, "subject", "Ada", "ada@example.com", "ada", null)));
  }

  /**
   * Publishes until the broker confirms, as a VCS redelivers after a 503: a quorum queue declared
   * moments ago may still nack while its leader is being elected.
   */
  void publish(Delivery d) throws Exception {
    publish(DeliveryHandler.encode(d));
  }

  void publish(byte[] body) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try {
        publisher.publish(Map.of(), body).get(60, TimeUnit.SECONDS);
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  String status(String id) {
    String[] s = store.delivery("github", id);
    return s == null ? null : s[0];
  }

  List<Workflow> workflows() {
    return client.resources(Workflow.class).inNamespace("team").list().getItems();
  }

  @Test
  void a_replayed_delivery_creates_one_workflow() throws Exception {
    for (int i = 0; i < 3; i++) {
      publish(push("d-1", "git@github.com:Acme/App.git", "main", SHA));
    }
    publish(push("d-2", "https://github.com/acme/app", "main", SHA));
    await().atMost(Duration.ofSeconds(300)).until(() -> "created".equals(status("d-2")) && "created".equals(status("d-1")));
    await().atMost(Duration.ofSeconds(60)).until(() -> store.runs("team", "app").size() == 2);
    List<Workflow> wfs = workflows();
    assertThat(wfs).extracting(w -> w.getMetadata().getName()).containsExactlyInAnyOrder(Names.workflow("app", 1, "main"),
        Names.workflow("app", 2, "main"));
    Workflow first = wfs.stream().filter(w -> w.getSpec().trigger.deliveryId.equals("d-1")).findFirst().orElseThrow();
    assertThat(first.getSpec().trigger.revision).isEqualTo(SHA);
    assertThat(first.getSpec().trigger.source).isEqualTo("webhook");
    assertThat(first.getSpec().organization).isEqualTo("acme");
    assertThat(first.getSpec().jobs).extracting(j -> j.name).containsExactly("build");
  }

  @Test
  void deliveries_that_create_nothing_say_why() throws Exception {
    publish(push("unknown", "https://github.com/acme/other.git", "main", SHA));
    publish(push("invalid", "https://github.com/acme/broken.git", "main", SHA));
    publish(push("filtered", "https://github.com/acme/app.git", "skip-me", SHA));
    await().atMost(Duration.ofSeconds(300)).until(() -> "nothing".equals(status("unknown"))
        && "nothing".equals(status("invalid")) && "nothing".equals(status("filtered")));
    assertThat(store.delivery("github", "unknown")[1]).contains("no Pipeline names the repository https://github.com/acme/other.git");
    assertThat(store.delivery("github", "invalid")[1]).contains("invalid_config").containsPattern(":\\d+:\\d+: ");
    assertThat(store.delivery("github", "filtered")[1]).contains("filtered").contains("skip-me");
    assertThat(workflows()).isEmpty();
    // A filtered run still has its number, so numbers stay gap-free and the run is visible in history.
    assertThat(store.runs("team", "app")).extracting(DeliveryStore.Run::number).containsExactly(1L);
  }

  @Test
  void a_thousand_deliveries_with_ten_percent_duplicates_make_exactly_nine_hundred_runs() throws Exception {
    List<CompletableFuture<Void>> confirms = new ArrayList<>();
    List<Delivery> all = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      all.add(push("burst-" + i, "https://github.com/acme/app.git", "main", SHA));
    }
    for (int i = 0; i < 100; i++) {
      all.add(push("burst-" + (i * 9), "https://github.com/acme/app.git", "main", SHA));
    }
    Collections.shuffle(all, new java.util.Random(7));
    for (Delivery d : all) {
      confirms.add(publisher.publish(Map.of(), DeliveryHandler.encode(d)));
    }
    for (int i = 0; i < all.size(); i++) {
      try {
        confirms.get(i).get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        publish(all.get(i)); // not stored: sent again, as the VCS would after a 503
      }
    }
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
        .until(() -> store.runs("team", "app").stream().filter(r -> r.status().equals("created")).count() == 900);
    List<DeliveryStore.Run> runs = store.runs("team", "app");
    assertThat(runs).extracting(DeliveryStore.Run::number)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 900).boxed().toList());
    assertThat(workflows()).hasSize(900);
  }

  @Test
  void a_poison_message_goes_to_the_dead_letter_queue_while_later_ones_flow() throws Exception {
    publish("{not json".getBytes());
    publish(push("failing", "https://github.com/acme/app.git", "main", "poison"));
    publish(push("after", "https://github.com/acme/app.git", "main", SHA));
    await().atMost(Duration.ofSeconds(300)).until(() -> "created".equals(status("after")));
    await().atMost(Duration.ofSeconds(300)).until(() -> deadLetters() == 2);
    String[] failing = store.delivery("github", "failing");
    assertThat(failing[0]).isEqualTo("failed");
    assertThat(failing[1]).contains("the repository cannot be read");
  }

  @Test
  void a_consumer_crash_between_create_and_ack_creates_no_duplicate() throws Exception {
    crashOnce.add("crash-1");
    publish(push("crash-1", "https://github.com/acme/app.git", "main", SHA));
    await().atMost(Duration.ofSeconds(300)).until(() -> "created".equals(status("crash-1")));
    assertThat(crashOnce).isEmpty();
    assertThat(workflows()).extracting(w -> w.getMetadata().getName()).containsExactly(Names.workflow("app", 1, "main"));
    assertThat(store.runs("team", "app")).hasSize(1);
  }

  long deadLetters() throws Exception {
    try (Connection c = rabbit.connectionFactory().newConnection(); Channel ch = c.createChannel()) {
      return ch.messageCount(topology.deadLetterQueue());
    }
  }
}
