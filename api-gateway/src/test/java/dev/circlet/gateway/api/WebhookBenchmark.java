package dev.circlet.gateway.api;

import dev.circlet.gateway.broker.BrokerTopology;
import dev.circlet.gateway.broker.ConfirmedPublisher;
import dev.circlet.gateway.broker.RabbitMqServer;
import dev.circlet.gateway.webhook.Provider;
import dev.circlet.gateway.webhook.WebhookSignatures;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signed GitHub push webhooks answered 202 after the broker's confirm, per second with p50/p99,
 * beside raw confirmed publishes of the same message size to the same RabbitMQ from the same JVM.
 * Arguments: {@code [requests] [concurrency]}. Run through hack/bench-gateway.sh.
 */
public final class WebhookBenchmark {
  private WebhookBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    byte[] secret = "bench-secret".getBytes(StandardCharsets.UTF_8);
    try (RabbitMqServer rabbit = RabbitMqServer.create()) {
      Vertx vertx = Vertx.vertx();
      BrokerTopology topology = new BrokerTopology("bench", 5);
      ConfirmedPublisher publisher = new ConfirmedPublisher(rabbit.connectionFactory(), topology, Duration.ofSeconds(30),
          Duration.ofSeconds(1));
      Router router = Router.router(vertx);
      new WebhookEndpoint(vertx, p -> List.of(secret), publisher,
          Map.of(Provider.GITHUB, 25L << 20, Provider.GITLAB, 10L << 20, Provider.BITBUCKET, 10L << 20)).mount(router);
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      byte[] body = push(0);
      // Warm-up of both paths, then the measured runs.
      raw(publisher, body, 2_000, window);
      webhooks(vertx, server.actualPort(), secret, 2_000, window);
      Result raw = raw(publisher, body, n, window);
      Result hooks = webhooks(vertx, server.actualPort(), secret, n, window);
      System.out.printf("payload %d bytes, %d requests, %d in flight, %d cores%n", body.length, n, window,
          Runtime.getRuntime().availableProcessors());
      System.out.println("raw confirmed publishes: " + raw);
      System.out.println("webhooks 202 after confirm: " + hooks);
      System.out.printf("webhook rate / raw rate: %.2f%n", hooks.perSecond() / raw.perSecond());
      server.close();
      publisher.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  record Result(int ok, int failed, double perSecond, double p50Ms, double p99Ms) {
    @Override
    public String toString() {
      return String.format("%.0f/s (ok %d, failed %d), p50 %.2f ms, p99 %.2f ms", perSecond, ok, failed, p50Ms, p99Ms);
    }
  }

  static byte[] push(int i) {
    return ("""
        {"ref":"refs/heads/main","before":"89abcdef0123456789abcdef0123456789abcdef",
         "after":"0123456789abcdef0123456789abcdef01234567","deleted":false,
         "head_commit":{"message":"Commit %d\\n\\nbody","author":{"name":"Ada","email":"ada@example.com"}},
         "pusher":{"name":"ada"},"sender":{"login":"ada"},
         "repository":{"clone_url":"https://github.com/acme/app.git","ssh_url":"git@github.com:acme/app.git",
           "html_url":"https://github.com/acme/app"}}""").formatted(i).getBytes(StandardCharsets.UTF_8);
  }

  static Result raw(ConfirmedPublisher publisher, byte[] body, int n, int window) throws InterruptedException {
    Semaphore inFlight = new Semaphore(window);
    long[] latency = new long[n];
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      int idx = i;
      long t0 = System.nanoTime();
      publisher.publish(Map.of("delivery", "raw-" + i), body).whenComplete((ok, err) -> {
        latency[idx] = System.nanoTime() - t0;
        if (err != null) {
          failed.incrementAndGet();
        }
        inFlight.release();
        done.countDown();
      });
    }
    done.await(10, TimeUnit.MINUTES);
    return result(n, failed.get(), System.nanoTime() - start, latency);
  }

  static Result webhooks(Vertx vertx, int port, byte[] secret, int n, int window) throws InterruptedException {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setMaxPoolSize(window).setKeepAlive(true));
    Semaphore inFlight = new Semaphore(window);
    long[] latency = new long[n];
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      byte[] body = push(i);
      String signature = WebhookSignatures.sign(secret, body);
      int idx = i;
      long t0 = System.nanoTime();
      client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/webhooks/github")
              .putHeader("X-GitHub-Event", "push").putHeader("X-GitHub-Delivery", "bench-" + i)
              .putHeader("X-Hub-Signature-256", signature).putHeader("Content-Type", "application/json"))
          .compose(req -> req.send(Buffer.buffer(body)))
          .compose(resp -> resp.body().map(b -> resp.statusCode()))
          .onComplete(ar -> {
            latency[idx] = System.nanoTime() - t0;
            if (ar.failed() || ar.result() != 202) {
              failed.incrementAndGet();
            }
            inFlight.release();
            done.countDown();
          });
    }
    done.await(10, TimeUnit.MINUTES);
    long elapsed = System.nanoTime() - start;
    client.close();
    return result(n, failed.get(), elapsed, latency);
  }

  static Result result(int n, int failed, long elapsedNanos, long[] latency) {
    long[] sorted = latency.clone();
    Arrays.sort(sorted);
    return new Result(n - failed, failed, (n - failed) / (elapsedNanos / 1e9), sorted[n / 2] / 1e6,
        sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6);
  }
}
