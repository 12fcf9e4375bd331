package dev.circlet.gateway.api;

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
import dev.circlet.gateway.history.PostgresServer;
import dev.circlet.gateway.trigger.DeliveryHandler;
import dev.circlet.gateway.trigger.DeliveryProcessor;
import dev.circlet.gateway.trigger.KubernetesPipelines;
import dev.circlet.gateway.trigger.KubernetesWebhookSecrets;
import dev.circlet.gateway.trigger.RepositoryConfigLoader;
import dev.circlet.gateway.trigger.RunPlanner;
import dev.circlet.gateway.webhook.Provider;
import dev.circlet.gateway.webhook.WebhookSignatures;
import dev.circlet.kubetest.KubeControlPlane;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Webhook to Workflow created: signed GitHub pushes sent at a steady rate to the webhook route of
 * a gateway wired as in production (Pipeline and Secret on the real kube-apiserver of kube-test,
 * RabbitMQ, the consumer, PostgreSQL), each timed from the moment its request is sent to the moment
 * a watch on Workflows sees its Workflow added. Both instants come from this JVM's monotonic clock,
 * so no clock of the API server is involved; the figure includes the watch's own delivery delay.
 * Arguments: {@code [per-second] [seconds]} (default 200 for 30 s). Run through
 * {@code hack/bench-gateway.sh --to-workflow}.
 */
public final class WebhookToWorkflowBenchmark {
  static final String NS = "bench";
  static final String REPO = "https://github.com/acme/app.git";
  static final String CONFIG = """
      version: 2.1
      jobs:
        build:
          docker: [{image: cimg/base:stable}]
          steps: [checkout, {run: echo << pipeline.number >>}]
      workflows:
        main:
          jobs: [build]
      """;

  private WebhookToWorkflowBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
    byte[] secret = "bench-secret".getBytes(StandardCharsets.UTF_8);
    try (KubeControlPlane cluster = KubeControlPlane.start(List.of());
        PostgresServer pg = PostgresServer.start();
        RabbitMqServer rabbit = RabbitMqServer.create();
        KubernetesClient client = cluster.newClient()) {
      cluster.applyCrds(repo().resolve("crds/generated"));
      cluster.createNamespace(NS);
      pg.migrate();
      client.resource(new SecretBuilder().withNewMetadata().withName("hook").withNamespace(NS).endMetadata()
          .addToStringData("current", new String(secret, StandardCharsets.UTF_8)).build()).create();
      client.resource(pipeline()).create();

      Map<String, Long> sentAt = new ConcurrentHashMap<>();
      Map<String, Long> createdAt = new ConcurrentHashMap<>();
      Watch watch = client.resources(Workflow.class).inNamespace(NS).watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, Workflow w) {
          long now = System.nanoTime();
          if (action == Action.ADDED && w.getSpec() != null && w.getSpec().trigger != null) {
            createdAt.putIfAbsent(w.getSpec().trigger.deliveryId, now);
          }
        }

        @Override
        public void onClose(WatcherException cause) {
          System.err.println("the Workflow watch closed: " + cause);
        }
      });

      // The gateway, wired as GatewayWiring wires it (default consumer channels and prefetch unless
      // -Dbench.consumers / -Dbench.prefetch say otherwise).
      Vertx vertx = Vertx.vertx();
      BrokerTopology topology = new BrokerTopology("circlet.deliveries", 5);
      KubernetesPipelines pipelines = new KubernetesPipelines(client, List.of(NS));
      ConfirmedPublisher publisher = new ConfirmedPublisher(rabbit.connectionFactory(), topology,
          Duration.ofSeconds(10), Duration.ofSeconds(1));
      // A connection pool as Quarkus gives the gateway (Agroal), not a new connection per statement.
      AgroalDataSource pool = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
          .connectionPoolConfiguration(cp -> cp.maxSize(20).connectionFactoryConfiguration(cf -> cf
              .jdbcUrl(pg.jdbcUrl()).principal(new NamePrincipal(PostgresServer.USER)))));
      DeliveryProcessor processor = new DeliveryProcessor(new DeliveryStore(pool), pipelines,
          new RepositoryConfigLoader(client, 60), new RunPlanner(new ConfigCompiler(OrbStore.empty())), pipelines);
      DeliveryConsumer consumer = new DeliveryConsumer(rabbit.connectionFactory(), topology,
          Integer.getInteger("bench.consumers", 4), Integer.getInteger("bench.prefetch", 10), Duration.ofSeconds(2),
          new DeliveryHandler(processor)).start();
      Router router = Router.router(vertx);
      new WebhookEndpoint(vertx, new KubernetesWebhookSecrets(client, pipelines, Duration.ofSeconds(30),
          Duration.ofSeconds(2), Clock.systemUTC()), publisher,
          Map.of(Provider.GITHUB, 25L << 20, Provider.GITLAB, 10L << 20, Provider.BITBUCKET, 10L << 20)).mount(router);
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(server.actualPort()).setMaxPoolSize(256).setKeepAlive(true));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (pipelines.all().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }

      // Warm-up: 100 deliveries at a tenth of the rate, until each has its Workflow (a new quorum
      // queue may refuse the first messages: those are sent again, as a VCS redelivers after a 503).
      Run warm = send(vertx, http, "warm-", Math.max(1, rate / 10), 100, secret, sentAt, true);
      System.out.println("warm-up: " + await(createdAt, warm.ids(), TimeUnit.MINUTES.toNanos(3)) + " of "
          + warm.ids().size() + " Workflows created; sending " + rate + "/s for " + seconds + " s");
      Run run = send(vertx, http, "bench-", rate, rate * seconds, secret, sentAt, false);
      int created = await(createdAt, run.ids(), TimeUnit.MINUTES.toNanos(5));

      long[] latency = new long[created];
      long lastCreated = 0;
      int k = 0;
      for (String id : run.ids()) {
        Long c = createdAt.get(id);
        if (c != null) {
          latency[k++] = c - sentAt.get(id);
          lastCreated = Math.max(lastCreated, c);
        }
      }
      Arrays.sort(latency);
      System.out.printf("%d cores, load average %.1f%n", Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      System.out.printf("sent %d signed pushes at %.0f/s (asked %d/s for %d s): %d answered 202, %d not%n",
          run.ids().size(), run.ids().size() / (run.sendNanos() / 1e9), rate, seconds, run.accepted().get(),
          run.ids().size() - run.accepted().get());
      System.out.printf("Workflows created: %d of %d, %.0f/s from the first send to the last Workflow%n", created,
          run.ids().size(), created / ((lastCreated - run.startNanos()) / 1e9));
      if (created > 0) {
        System.out.printf("webhook sent to Workflow created (seen by a watch): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
            latency[created / 2] / 1e6, latency[(int) Math.min(created - 1, Math.ceil(created * 0.99) - 1)] / 1e6,
            latency[created - 1] / 1e6);
      }
      watch.close();
      http.close();
      server.close();
      consumer.close();
      publisher.close();
      pipelines.close();
      pool.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  record Run(List<String> ids, long startNanos, long sendNanos, AtomicInteger accepted) {}

  /**
   * Sends {@code n} signed pushes, the i-th at start + i/rate (never earlier; late ones go at once,
   * so a slow moment shows as latency, not as a lower rate asked). Bodies and signatures are made
   * before the clock starts.
   */
  static Run send(Vertx vertx, HttpClient http, String prefix, int rate, int n, byte[] secret, Map<String, Long> sentAt,
      boolean retry) {
    String[] ids = new String[n];
    byte[][] bodies = new byte[n][];
    String[] signatures = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = prefix + i;
      bodies[i] = WebhookBenchmark.push(i);
      signatures[i] = WebhookSignatures.sign(secret, bodies[i]);
    }
    AtomicInteger accepted = new AtomicInteger();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = start + i * interval;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      sentAt.put(ids[i], System.nanoTime());
      post(vertx, http, ids[i], bodies[i], signatures[i], accepted, retry ? 100 : 0);
    }
    return new Run(List.of(ids), start, System.nanoTime() - start, accepted);
  }

  private static void post(Vertx vertx, HttpClient http, String id, byte[] body, String signature, AtomicInteger accepted,
      int retries) {
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/webhooks/github")
            .putHeader("X-GitHub-Event", "push").putHeader("X-GitHub-Delivery", id)
            .putHeader("X-Hub-Signature-256", signature).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() == 202) {
            accepted.incrementAndGet();
          } else if (retries > 0) {
            vertx.setTimer(100, t -> post(vertx, http, id, body, signature, accepted, retries - 1));
          } else {
            System.err.println(id + ": " + (ar.succeeded() ? "HTTP " + ar.result() : ar.cause().toString()));
          }
        });
  }

  /** Waits until every id has its Workflow or the time is up; returns how many have one. */
  static int await(Map<String, Long> createdAt, List<String> ids, long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    long report = System.nanoTime();
    while (true) {
      int created = (int) ids.stream().filter(createdAt::containsKey).count();
      if (created == ids.size() || System.nanoTime() > deadline) {
        return created;
      }
      if (System.nanoTime() > report) {
        System.out.println("  " + created + " of " + ids.size() + " Workflows created");
        report = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      }
      Thread.sleep(200);
    }
  }

  static Pipeline pipeline() {
    Pipeline p = new Pipeline();
    p.getMetadata().setName("app");
    p.getMetadata().setNamespace(NS);
    p.setSpec(new PipelineSpec());
    p.getSpec().organization = "acme";
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = REPO;
    p.getSpec().repository.provider = "github";
    p.getSpec().repository.webhookSecretRef = "hook";
    p.getSpec().config = CONFIG;
    return p;
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
