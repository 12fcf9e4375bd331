package dev.circlet.operator.cluster;

import dev.circlet.gateway.logs.LogReader;
import dev.circlet.gateway.logs.OutputProcessor;
import dev.circlet.gateway.logs.StepKey;
import dev.circlet.gateway.records.BuildRecords;
import dev.circlet.gateway.records.TestCase;
import dev.circlet.gateway.runner.KubernetesRunnerAuthenticator;
import dev.circlet.gateway.runner.RunnerAuthInterceptor;
import dev.circlet.gateway.runner.RunnerGrpcService;
import dev.circlet.gateway.storage.ObjectStore;
import dev.circlet.proto.runner.v1.StepEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import redis.clients.jedis.JedisPooled;

/**
 * The gateway's runner API and output processor in the test JVM, as the gateway runs them: a real
 * redis-server as the hot buffer and the real runner identity check (TokenReview on the test's
 * kube-apiserver). Object storage is a closed port: output stays in the hot buffer, where the
 * log reader serves it. Step events and test results are recorded per {@code namespace/build}.
 */
final class RunnerGateway implements AutoCloseable {
  final Map<String, List<StepEvent>> steps = new ConcurrentHashMap<>();
  final Map<String, List<TestCase>> testCases = new ConcurrentHashMap<>();
  final OutputProcessor processor;
  private final Process redis;
  private final JedisPooled jedis;
  private final ObjectStore store;
  private final Server server;

  RunnerGateway(KubernetesClient client, String audience, Path dir) throws IOException, InterruptedException {
    int redisPort = freePort();
    Files.createDirectories(dir);
    String bin = Files.isExecutable(Path.of("/usr/bin/redis-server")) ? "/usr/bin/redis-server" : "redis-server";
    redis = new ProcessBuilder(List.of(bin, "--bind", "127.0.0.1", "--port", String.valueOf(redisPort),
        "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
        "--daemonize", "no", "--protected-mode", "no"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    jedis = new JedisPooled("127.0.0.1", redisPort);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        if ("PONG".equals(jedis.ping())) {
          break;
        }
      } catch (RuntimeException e) {
        if (!redis.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")), e);
        }
      }
      Thread.sleep(50);
    }
    store = new ObjectStore(new ObjectStore.Settings(URI.create("http://127.0.0.1:" + freePort()), "us-east-1",
        "circlet-logs", "test", "test-secret", true, Duration.ofSeconds(2)));
    processor = new OutputProcessor(jedis, store, new OutputProcessor.Settings(64 << 20, 16 << 20, 1 << 20,
        Duration.ofMinutes(30), Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMinutes(10)));
    BuildRecords records = new BuildRecords() {
      @Override
      public void step(String namespace, String build, StepEvent event) {
        steps.computeIfAbsent(namespace + "/" + build, k -> new CopyOnWriteArrayList<>()).add(event);
      }

      @Override
      public void logLength(String namespace, String build, int step, long bytes) {}

      @Override
      public void testResults(String namespace, String build, String reportPath, List<TestCase> cases) {
        testCases.computeIfAbsent(namespace + "/" + build, k -> new CopyOnWriteArrayList<>()).addAll(cases);
      }

      @Override
      public void artifact(String namespace, String build, String path, String storageKey) {}
    };
    RunnerGrpcService service = new RunnerGrpcService(processor.hot(), store, records,
        new RunnerGrpcService.Settings(64 << 20, 1 << 20, Duration.ofMinutes(5), Duration.ofMinutes(10)));
    KubernetesRunnerAuthenticator auth = new KubernetesRunnerAuthenticator(client, audience,
        KubernetesRunnerAuthenticator.DEFAULT_MACHINE_ACCOUNT, KubernetesRunnerAuthenticator.DEFAULT_CACHE);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(service, new RunnerAuthInterceptor(auth))).build().start();
  }

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  /** The stored output of a step of a Build, as the gateway's log API reads it. */
  String log(String namespace, String build, int step) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long from = 0;
    for (int i = 0; i < 1000; i++) {
      LogReader.Slice s = processor.reader().read(new StepKey(namespace, build, step), from, 1 << 16);
      out.writeBytes(s.data());
      if (s.data().length == 0 || s.complete()) {
        break;
      }
      from = s.next();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The number of the Build's step of this name, once the gateway has heard of it; -1 before. */
  int step(String namespace, String build, String name) {
    return steps.getOrDefault(namespace + "/" + build, List.of()).stream().filter(e -> e.getName().equals(name))
        .mapToInt(StepEvent::getStep).findFirst().orElse(-1);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    server.shutdownNow();
    server.awaitTermination();
    processor.close();
    store.close();
    jedis.close();
    redis.destroy();
    redis.waitFor();
  }
}
