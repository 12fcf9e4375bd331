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
import dev.circlet.gateway.trigger.DeliveryHandler;
import dev.circlet.gateway.webhook.Delivery;
import dev.circlet.gateway.webhook.WebhookIntake;
import java.lang.management.ManagementFactory;
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
 * beside raw confirmed publishes of the same messages (the bytes and headers the webhook route
 * publishes) to the same RabbitMQ from the same JVM, with the same number in flight. Both sides
 * print the CPU time per request of this JVM (gateway and HTTP client) and of the broker.
 * Arguments: {@code [requests] [concurrency]}. Run through hack/bench-gateway.sh.
 */
public final class WebhookBenchmark {
  private WebhookBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    byte[] secret = "bench-secret".getBytes(StandardCharsets.UTF_8);
    // Vert.x logs through JUL at INFO, as the gateway logs at INFO: without this, the logging binding
    // on the test classpath enables TRACE and Vert.x Web formats a trace line per request.
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
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
      // Everything the client sends and the raw side publishes is made before the clock starts: the
      // measured loops pay only for HTTP, the gateway and the broker.
      Requests warm = Requests.make("warm-", 2_000, secret);
      Requests measured = Requests.make("bench-", n, secret);
      raw(publisher, warm, window, null);
      webhooks(vertx, server.actualPort(), warm, window, null);
      Result raw = raw(publisher, measured, window, rabbit);
      Result hooks = webhooks(vertx, server.actualPort(), measured, window, rabbit);
      System.out.printf("payload %d bytes, message %d bytes, %d requests, %d in flight, %d cores, load average %.1f%n",
          measured.bodies[0].length, measured.messages[0].length, n, window, Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      System.out.println("raw confirmed publishes:    " + raw);
      System.out.println("webhooks 202 after confirm: " + hooks);
      System.out.printf("webhook rate / raw rate: %.2f%n", hooks.perSecond() / raw.perSecond());
      server.close();
      publisher.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Signed push bodies and, for the raw side, the exact message and headers the webhook route
   * publishes for each of them (the same size and the same headers).
   */
  record Requests(String[] ids, byte[][] bodies, String[] signatures, byte[][] messages) {
    static Requests make(String prefix, int n, byte[] secret) {
      Requests r = new Requests(new String[n], new byte[n][], new String[n], new byte[n][]);
      for (int i = 0; i < n; i++) {
        r.ids[i] = prefix + i;
        r.bodies[i] = push(i);
        r.signatures[i] = WebhookSignatures.sign(secret, r.bodies[i]);
        Delivery d = WebhookIntake.receive(Provider.GITHUB, Map.of("x-github-event", "push",
            "x-github-delivery", r.ids[i], "x-hub-signature-256", r.signatures[i]), r.bodies[i], List.of(secret))
            .delivery();
        r.messages[i] = DeliveryHandler.encode(d);
      }
      return r;
    }

    int size() {
      return ids.length;
    }
  }

  /** CPU time of this JVM and of the broker's process, to report CPU per request of each side. */
  record Cpu(long jvmNanos, long brokerNanos) {
    static Cpu now(RabbitMqServer rabbit) {
      long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
      long broker = rabbit == null ? 0 : rabbit.process().flatMap(p -> p.info().totalCpuDuration())
          .map(Duration::toNanos).orElse(0L);
      return new Cpu(jvm, broker);
    }
  }

  record Result(int ok, int failed, double perSecond, double p50Ms, double p99Ms, double jvmCpuMicros,
      double brokerCpuMicros) {
    @Override
    public String toString() {
      return String.format("%.0f/s (ok %d, failed %d), p50 %.2f ms, p99 %.2f ms; CPU per request: JVM %.0f us,"
          + " broker %.0f us", perSecond, ok, failed, p50Ms, p99Ms, jvmCpuMicros, brokerCpuMicros);
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

  static Result raw(ConfirmedPublisher publisher, Requests r, int window, RabbitMqServer rabbit)
      throws InterruptedException {
    int n = r.size();
    Semaphore inFlight = new Semaphore(window);
    long[] latency = new long[n];
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    Cpu cpu = Cpu.now(rabbit);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      int idx = i;
      long t0 = System.nanoTime();
      publisher.publish(Map.of("provider", "github", "delivery", r.ids[i]), r.messages[i]).whenComplete((ok, err) -> {
        latency[idx] = System.nanoTime() - t0;
        if (err != null) {
          failed.incrementAndGet();
        }
        inFlight.release();
        done.countDown();
      });
    }
    done.await(10, TimeUnit.MINUTES);
    return result(n, failed.get(), System.nanoTime() - start, latency, cpu, Cpu.now(rabbit));
  }

  static Result webhooks(Vertx vertx, int port, Requests r, int window, RabbitMqServer rabbit)
      throws InterruptedException {
    int n = r.size();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setMaxPoolSize(window).setKeepAlive(true));
    Semaphore inFlight = new Semaphore(window);
    long[] latency = new long[n];
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    Cpu cpu = Cpu.now(rabbit);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      Buffer body = Buffer.buffer(r.bodies[i]);
      int idx = i;
      long t0 = System.nanoTime();
      client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/webhooks/github")
              .putHeader("X-GitHub-Event", "push").putHeader("X-GitHub-Delivery", r.ids[i])
              .putHeader("X-Hub-Signature-256", r.signatures[i]).putHeader("Content-Type", "application/json"))
          .compose(req -> req.send(body))
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
    Cpu after = Cpu.now(rabbit);
    client.close();
    return result(n, failed.get(), elapsed, latency, cpu, after);
  }

  static Result result(int n, int failed, long elapsedNanos, long[] latency, Cpu before, Cpu after) {
    long[] sorted = latency.clone();
    Arrays.sort(sorted);
    return new Result(n - failed, failed, (n - failed) / (elapsedNanos / 1e9), sorted[n / 2] / 1e6,
        sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6,
        (after.jvmNanos() - before.jvmNanos()) / 1e3 / n, (after.brokerNanos() - before.brokerNanos()) / 1e3 / n);
  }
}
