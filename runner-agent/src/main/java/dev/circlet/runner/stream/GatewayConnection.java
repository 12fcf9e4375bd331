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
 * The agent's channel to the gateway and the identity it presents on every call: the pod's
 * projected ServiceAccount token when one is mounted (read again on every call, the kubelet
 * rotates it), else the per-Build output token with the Build's namespace and name.
 */
public final class GatewayConnection implements AutoCloseable {
  /** Where the kubelet projects the Circlet-audience token, when the operator asks for one. */
  public static final Path PROJECTED_TOKEN = Path.of("/var/run/secrets/circlet/token");

  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> BUILD = Metadata.Key.of("x-circlet-build", Metadata.ASCII_STRING_MARSHALLER);

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
   * inside a trusted network), or null when the variable is not set.
   */
  public static GatewayConnection fromEnv(Map<String, String> env, Path buildSecretDir, String build) {
    String target = env.get("CIRCLET_GATEWAY");
    if (target == null || target.isBlank()) {
      return null;
    }
    boolean plaintext = Boolean.parseBoolean(env.getOrDefault("CIRCLET_GATEWAY_PLAINTEXT", "false"));
    Path projected = Path.of(env.getOrDefault("CIRCLET_GATEWAY_TOKEN_FILE", PROJECTED_TOKEN.toString()));
    if (Files.isReadable(projected)) {
      return new GatewayConnection(target, plaintext, credentials(projected, null));
    }
    String ns = env.get("CIRCLET_NAMESPACE");
    if (ns == null || ns.isBlank()) {
      throw new IllegalArgumentException("CIRCLET_GATEWAY is set but neither a projected token (" + projected
          + ") nor CIRCLET_NAMESPACE for the build token is available");
    }
    return new GatewayConnection(target, plaintext, credentials(buildSecretDir.resolve("token"), ns + "/" + build));
  }

  /** Bearer credentials read from {@code tokenFile} on every call, plus the Build header when given. */
  public static CallCredentials credentials(Path tokenFile, String build) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        executor.execute(() -> {
          try {
            Metadata m = new Metadata();
            m.put(AUTHORIZATION, "Bearer " + Files.readString(tokenFile).strip());
            if (build != null) {
              m.put(BUILD, build);
            }
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
