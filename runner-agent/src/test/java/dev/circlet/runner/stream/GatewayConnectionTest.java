package dev.circlet.runner.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's gateway credentials: the pod's projected token, read on every call. */
class GatewayConnectionTest {
  @TempDir Path tmp;

  static String authorization(CallCredentials credentials) {
    AtomicReference<String> header = new AtomicReference<>();
    AtomicReference<Status> failure = new AtomicReference<>();
    credentials.applyRequestMetadata(null, Runnable::run, new CallCredentials.MetadataApplier() {
      @Override
      public void apply(Metadata headers) {
        header.set(headers.get(GatewayConnection.AUTHORIZATION));
      }

      @Override
      public void fail(Status status) {
        failure.set(status);
      }
    });
    return header.get() != null ? header.get() : "failed: " + failure.get().getCode();
  }

  @Test
  void theTokenFileIsReadAgainOnEveryCallSoARotatedTokenIsSent() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "first-token\n");
    CallCredentials credentials = GatewayConnection.credentials(token);
    assertThat(authorization(credentials)).isEqualTo("Bearer first-token");
    Files.writeString(token, "rotated-token");
    assertThat(authorization(credentials)).isEqualTo("Bearer rotated-token");
    Files.delete(token);
    assertThat(authorization(credentials)).isEqualTo("failed: UNAUTHENTICATED");
  }

  @Test
  void noGatewayMeansNoConnectionAndAGatewayNeedsTheToken() throws Exception {
    assertThat(GatewayConnection.fromEnv(Map.of(), tmp)).isNull();
    assertThatThrownBy(() -> GatewayConnection.fromEnv(Map.of("CIRCLET_GATEWAY", "gateway:9000"), tmp))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(tmp.resolve("token").toString());
    Files.writeString(tmp.resolve("token"), "t");
    try (GatewayConnection c = GatewayConnection.fromEnv(
        Map.of("CIRCLET_GATEWAY", "gateway:9000", "CIRCLET_GATEWAY_PLAINTEXT", "true"), tmp)) {
      assertThat(c).isNotNull();
    }
  }
}
