package dev.circlet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.circlet.gateway.broker.BrokerTopology;
import dev.circlet.gateway.broker.ConfirmedPublisher;
import dev.circlet.gateway.broker.RabbitMqServer;
import dev.circlet.gateway.webhook.Provider;
import dev.circlet.gateway.webhook.WebhookSignatures;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The webhook route over real HTTP, publishing to a real RabbitMQ node. */
@Tag("services")
class WebhookEndpointTest {
  static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);
  static final String PUSH = """
      {"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567",
       "repository":{"clone_url":"https://github.com/acme/app.git"},"sender":{"login":"ada"},
       "head_commit":{"message":"%s"}}""";

  static RabbitMqServer rabbit;
  static Vertx vertx;
  static HttpServer server;
  static ConfirmedPublisher publisher;
  static BrokerTopology topology = new BrokerTopology("webhooks", 3);
  static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(30)).build();

  @BeforeAll
  static void start() throws Exception {
    rabbit = RabbitMqServer.create();
    vertx = Vertx.vertx();
    publisher = new ConfirmedPublisher(rabbit.connectionFactory(), topology, Duration.ofSeconds(15), Duration.ofMillis(200));
    Router router = Router.router(vertx);
    new WebhookEndpoint(vertx, p -> List.of(SECRET), publisher,
        Map.of(Provider.GITHUB, 25L * 1024 * 1024, Provider.GITLAB, 1024L, Provider.BITBUCKET, 1024L)).mount(router);
    // A quorum queue declared moments ago may nack until its leader is elected: wait for one confirm.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try {
        publisher.publish(Map.of("delivery", "warm-up"), "{}".getBytes()).get(60, TimeUnit.SECONDS);
        break;
      } catch (java.util.concurrent.ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (publisher != null) {
      publisher.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (rabbit != null) {
      rabbit.close();
    }
  }

  static HttpRequest.Builder github(String event, String delivery, byte[] body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/webhooks/github"))
        .timeout(Duration.ofSeconds(120))
        .header("X-GitHub-Event", event).header("X-GitHub-Delivery", delivery)
        .header("X-Hub-Signature-256", WebhookSignatures.sign(SECRET, body))
        .header("Content-Type", "application/json");
  }

  static HttpResponse<String> send(HttpRequest r) throws Exception {
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  static byte[] push(String message) {
    return PUSH.formatted(message).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void answers_each_path_with_its_status() throws Exception {
    byte[] body = push("hello");
    assertThat(send(github("push", "ok-1", body).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()).statusCode())
        .isEqualTo(202);
    HttpResponse<String> bad = send(github("push", "bad-sig", body)
        .setHeader("X-Hub-Signature-256", WebhookSignatures.sign("other".getBytes(), body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    byte[] malformed = "{\"ref\":".getBytes();
    assertThat(send(github("push", "malformed", malformed).POST(HttpRequest.BodyPublishers.ofByteArray(malformed)).build())
        .statusCode()).isEqualTo(400);
    HttpResponse<String> noEvent = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
        + "/webhooks/github")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    assertThat(noEvent.statusCode()).isEqualTo(400);
    HttpResponse<String> unknown = send(github("issues", "issue-1", body).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    assertThat(unknown.statusCode()).isEqualTo(202);
    assertThat(unknown.body()).contains("ignored");
    HttpResponse<String> gitlabBig = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
        + "/webhooks/gitlab")).header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", "s3cret")
        .header("Idempotency-Key", "g-1").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2048])).build());
    assertThat(gitlabBig.statusCode()).isEqualTo(413);
    HttpResponse<String> nowhere = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
        + "/webhooks/svn")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    assertThat(nowhere.statusCode()).isEqualTo(404);
  }

  @Test
  void github_takes_25_megabytes_and_refuses_more_without_keeping_it() throws Exception {
    byte[] big = push("x".repeat(24 * 1024 * 1024));
    assertThat(send(github("push", "big-1", big).POST(HttpRequest.BodyPublishers.ofByteArray(big)).build()).statusCode())
        .isEqualTo(202);
    byte[] huge = new byte[26 * 1024 * 1024];
    // Declared length over the limit: refused before the body is read.
    assertThat(send(github("push", "huge-1", huge).POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build())
        .statusCode()).isEqualTo(413);
    // Chunked, no length: refused once the stream passes the limit.
    assertThat(send(github("push", "huge-2", huge)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))).build())
        .statusCode()).isEqualTo(413);
  }

  /**
   * Small bodies are verified on the event loop, but secrets that must be loaded (a stale snapshot,
   * or a reload after no secret matched) are read on a worker thread only: a key added moments ago
   * is accepted after one reload, and an old snapshot is reloaded before verifying.
   */
  @Test
  void secrets_that_need_loading_are_read_off_the_event_loop() throws Exception {
    byte[] rotated = "rotated".getBytes(StandardCharsets.UTF_8);
    List<String> readOn = java.util.Collections.synchronizedList(new ArrayList<>());
    boolean[] fresh = {true};
    List<List<byte[]>> current = new ArrayList<>(List.of(List.of(SECRET)));
    dev.circlet.gateway.webhook.WebhookSecrets secrets = new dev.circlet.gateway.webhook.WebhookSecrets() {
      @Override
      public synchronized List<byte[]> forProvider(Provider provider) {
        if (!fresh[0]) {
          readOn.add(Thread.currentThread().getName());
          fresh[0] = true; // the stale snapshot is reloaded by this call
        }
        return current.get(0);
      }

      @Override
      public synchronized boolean current() {
        return fresh[0];
      }

      @Override
      public synchronized boolean refresh() {
        readOn.add(Thread.currentThread().getName());
        current.set(0, List.of(SECRET, rotated));
        return true;
      }
    };
    Router router = Router.router(vertx);
    new WebhookEndpoint(vertx, secrets, publisher, Map.of(Provider.GITHUB, 1L << 20, Provider.GITLAB, 1024L,
        Provider.BITBUCKET, 1024L)).mount(router);
    HttpServer own = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    try {
      byte[] body = push("rotated");
      HttpRequest signedWithNewKey = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + own.actualPort()
              + "/webhooks/github")).timeout(Duration.ofSeconds(120))
          .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "rotated-1")
          .header("X-Hub-Signature-256", WebhookSignatures.sign(rotated, body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      assertThat(send(signedWithNewKey).statusCode()).isEqualTo(202);
      synchronized (secrets) {
        fresh[0] = false;
      }
      byte[] other = push("stale snapshot");
      assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + own.actualPort() + "/webhooks/github"))
          .timeout(Duration.ofSeconds(120)).header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "stale-1")
          .header("X-Hub-Signature-256", WebhookSignatures.sign(SECRET, other))
          .POST(HttpRequest.BodyPublishers.ofByteArray(other)).build()).statusCode()).isEqualTo(202);
      assertThat(readOn).hasSize(2).allSatisfy(t -> assertThat(t).doesNotContain("eventloop"));
    } finally {
      own.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * RabbitMQ is stopped in the middle of a burst: each request is answered 202 or 503, and every
   * delivery answered 202 is in the queue once the broker is back.
   */
  @Test
  void stopping_the_broker_mid_burst_never_acknowledges_a_lost_delivery() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      byte[] body = push("burst " + i);
      answers.add(http.sendAsync(github("push", "burst-" + i, body).POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build(), HttpResponse.BodyHandlers.ofString()));
      if (i == 200) {
        rabbit.stop();
      }
    }
    Set<String> accepted = new HashSet<>();
    int unavailable = 0;
    for (int i = 0; i < answers.size(); i++) {
      int status = answers.get(i).get(180, TimeUnit.SECONDS).statusCode();
      assertThat(status).as("request " + i).isIn(202, 503);
      if (status == 202) {
        accepted.add("burst-" + i);
      } else {
        unavailable++;
      }
    }
    assertThat(unavailable).isPositive();
    rabbit.start();
    Set<String> queued = queuedDeliveries();
    assertThat(queued).containsAll(accepted);
    Set<String> lost = new HashSet<>(accepted);
    lost.removeAll(queued);
    System.out.printf("FAULT | 3 | RabbitMQ stopped (SIGTERM) after request 200 of a burst of 600 signed GitHub"
        + " pushes | %d answered 202, %d answered 503, none otherwise; after the restart all %d accepted are queued"
        + " | %s%n", accepted.size(), unavailable, accepted.size(), lost.isEmpty() ? "nothing" : lost.size() + " accepted deliveries");
  }

  static Set<String> queuedDeliveries() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (true) {
      Set<String> seen = new HashSet<>();
      try (Connection c = rabbit.connectionFactory().newConnection(); Channel ch = c.createChannel()) {
        while (true) {
          var r = ch.basicGet(topology.queue(), false);
          if (r == null) {
            return seen;
          }
          seen.add(String.valueOf(r.getProps().getHeaders().get("delivery")));
        }
      } catch (IOException | com.rabbitmq.client.AlreadyClosedException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }
}
