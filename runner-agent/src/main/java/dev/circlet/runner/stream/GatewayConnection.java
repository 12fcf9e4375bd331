package dev.circlet.runner.stream;

import dev.circlet.proto.runner.v1.RunnerGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The agent's channel to the gateway and the identity it presents on every call: the build pod's
 * projected ServiceAccount token (Circlet audience, bound to the pod), read again on every call
 * because the kubelet rotates it.
 */
public final class GatewayConnection implements AutoCloseable {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final CallCredentials credentials;

  public GatewayConnection(String target, boolean plaintext, CallCredentials credentials) {
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(target).maxInboundMessageSize(16 << 20);
    if (plaintext) {
      b.usePlaintext();
    }
    this.channel = b.build();
    this.credentials = credentials;
  }

  /**
   * The connection named by {@code CIRCLET_GATEWAY} ({@code host:port}; {@code CIRCLET_GATEWAY_PLAINTEXT=true}
   * inside a trusted network), or null when the variable is not set. The token file is
   * {@code CIRCLET_GATEWAY_TOKEN_FILE}, else the {@code token} next to job.json.
   */
  public static GatewayConnection fromEnv(Map<String, String> env, Path buildDir) {
    String target = env.get("CIRCLET_GATEWAY");
    if (target == null || target.isBlank()) {
      return null;
    }
    boolean plaintext = Boolean.parseBoolean(env.getOrDefault("CIRCLET_GATEWAY_PLAINTEXT", "false"));
    String configured = env.get("CIRCLET_GATEWAY_TOKEN_FILE");
    Path token = configured == null || configured.isBlank() ? buildDir.resolve("token") : Path.of(configured);
    if (!Files.isReadable(token)) {
      throw new IllegalArgumentException("CIRCLET_GATEWAY is set but the build identity token " + token
          + " is not readable; the build pod's projected build-identity volume provides it");
    }
    return new GatewayConnection(target, plaintext, credentials(token));
  }

  /** Bearer credentials read from {@code tokenFile} on every call (the kubelet rotates the token). */
  public static CallCredentials credentials(Path tokenFile) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        executor.execute(() -> {
          try {
            Metadata m = new Metadata();
            m.put(AUTHORIZATION, "Bearer " + Files.readString(tokenFile).strip());
            applier.apply(m);
          } catch (IOException e) {
            applier.fail(io.grpc.Status.UNAUTHENTICATED.withDescription("cannot read " + tokenFile).withCause(e));
          }
        });
      }
    };
  }

  public RunnerGrpc.RunnerStub async() {
    return RunnerGrpc.newStub(channel).withCallCredentials(credentials);
  }

  public RunnerGrpc.RunnerBlockingStub blocking() {
    return RunnerGrpc.newBlockingStub(channel).withCallCredentials(credentials);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdown();
    if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
      channel.shutdownNow();
    }
  }
}
