package dev.circlet.gateway.testing;

import dev.circlet.gateway.logs.OutputProcessor;
import dev.circlet.gateway.runner.RunnerAuthInterceptor;
import dev.circlet.gateway.runner.RunnerAuthenticator;
import dev.circlet.gateway.runner.RunnerGrpcService;
import dev.circlet.gateway.runner.RunnerIdentity;
import dev.circlet.gateway.storage.ObjectStore;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import redis.clients.jedis.JedisPooled;

/**
 * The output processor and the runner API in the test JVM, on real Redis and S3Proxy, with an
 * authenticator that accepts {@code Bearer token-<build>} as Build {@code <build>} of namespace {@code ci}
 * with storage scope {@code org/project}, and {@code Bearer token-<build>@<scope>} with another scope.
 */
public final class GatewayHarness implements AutoCloseable {
  public static final String BUCKET = "circlet-logs";

  public final OutputProcessor processor;
  public final ObjectStore store;
  public final RecordingBuildRecords records = new RecordingBuildRecords();
  private final JedisPooled redis;
  private final Server server;

  public GatewayHarness(RedisProcess redisProcess, S3ProxyServer s3, long capBytes, long hotMaxBytes) throws Exception {
    this(redisProcess.port, s3.endpoint(), capBytes, hotMaxBytes);
  }

  public GatewayHarness(int redisPort, java.net.URI s3, long capBytes, long hotMaxBytes) throws Exception {
    redis = new JedisPooled(dev.circlet.gateway.logs.HotBuffer.poolConfig(), "127.0.0.1", redisPort);
    store = new ObjectStore(new ObjectStore.Settings(s3, "us-east-1", BUCKET, S3ProxyServer.ACCESS,
        S3ProxyServer.SECRET, true, Duration.ofSeconds(5)));
    processor = new OutputProcessor(redis, store, new OutputProcessor.Settings(capBytes, hotMaxBytes, 1 << 20,
        Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMillis(50)));
    RunnerGrpcService service = new RunnerGrpcService(processor.hot(), store, records,
        new RunnerGrpcService.Settings(capBytes, 1 << 20, Duration.ofMinutes(5), Duration.ofMinutes(10)));
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(service, new RunnerAuthInterceptor(GatewayHarness::authenticate)))
        .build().start();
  }

  static RunnerIdentity authenticate(io.grpc.Metadata h) throws io.grpc.StatusException {
    String token = RunnerAuthenticator.bearer(h);
    if (!token.startsWith("token-") || token.length() == "token-".length()) {
      throw Status.UNAUTHENTICATED.withDescription("wrong token").asException();
    }
    String build = token.substring("token-".length());
    int at = build.indexOf('@');
    if (at > 0) {
      return new RunnerIdentity("ci", build.substring(0, at), build.substring(at + 1), null);
    }
    return new RunnerIdentity("ci", build, "org/project", null);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() throws Exception {
    server.shutdownNow();
    server.awaitTermination();
    processor.close();
    store.close();
    redis.close();
  }
}
