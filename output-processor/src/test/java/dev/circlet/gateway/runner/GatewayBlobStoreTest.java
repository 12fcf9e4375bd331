package dev.circlet.gateway.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.gateway.testing.GatewayHarness;
import dev.circlet.gateway.testing.RedisProcess;
import dev.circlet.gateway.testing.S3ProxyServer;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.store.GatewayBlobStore;
import dev.circlet.runner.stream.GatewayConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build pod's store without storage credentials: the agent's {@link GatewayBlobStore} against
 * the runner API (real gRPC over TCP, Redis) and S3Proxy, through presigned URLs only.
 */
@Tag("services")
class GatewayBlobStoreTest {
  @TempDir
  static Path tmp;
  static RedisProcess redis;
  static S3ProxyServer s3;
  static GatewayHarness gw;

  @BeforeAll
  static void start() throws Exception {
    redis = new RedisProcess(tmp.resolve("redis"));
    s3 = new S3ProxyServer(GatewayHarness.BUCKET);
    gw = new GatewayHarness(redis, s3, 64L << 20, 16L << 20);
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    s3.close();
    redis.close();
  }

  static GatewayConnection connect(String token) throws IOException {
    Path file = Files.writeString(tmp.resolve("token-" + token.replace('/', '_')), token);
    return new GatewayConnection("127.0.0.1:" + gw.port(), true, GatewayConnection.credentials(file));
  }

  /** The same contract the local and S3 stores meet, on the keys an agent uses. */
  @Test
  void meetsTheBlobStoreContract() throws Exception {
    try (GatewayConnection c = connect("token-contract@org/contract")) {
      BlobStore store = new GatewayBlobStore(c::blocking);
      Path dir = Files.createDirectories(tmp.resolve("contract"));
      Path f = Files.writeString(dir.resolve("f"), "payload");
      store.put("caches/v1-a.tar.gz", f);
      store.putBytes("caches/v1-b.tar.gz", "bee".getBytes());
      store.putBytes("timings/j.json", "{}".getBytes());
      assertThat(store.list("caches/v1-").stream().map(BlobStore.Blob::key)).containsExactlyInAnyOrder(
          "caches/v1-a.tar.gz", "caches/v1-b.tar.gz");
      assertThat(store.list("caches/v1-a").get(0).size()).isEqualTo(7);
      assertThat(store.list("workspaces/")).isEmpty();
      assertThat(store.exists("caches/v1-a.tar.gz")).isTrue();
      assertThat(store.exists("caches/v1-")).isFalse();
      Path out = dir.resolve("out");
      assertThat(store.get("caches/v1-a.tar.gz", out)).isTrue();
      assertThat(Files.readString(out)).isEqualTo("payload");
      assertThat(store.get("caches/absent", dir.resolve("absent"))).isFalse();
      assertThat(Files.exists(dir.resolve("absent"))).isFalse();
      assertThat(store.getBytes("caches/v1-b.tar.gz")).hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("bee"));
      assertThat(store.getBytes("timings/absent.json")).isEmpty();
      assertThat(store.putIfAbsent("caches/v1-a.tar.gz", f)).isFalse();
      Path g = Files.writeString(dir.resolve("g"), "other");
      assertThat(store.putIfAbsent("caches/v1-c.tar.gz", g)).isTrue();
      assertThat(store.putIfAbsent("caches/v1-c.tar.gz", f)).isFalse();
      assertThat(new String(store.getBytes("caches/v1-c.tar.gz").orElseThrow())).isEqualTo("other");
      store.putBytes("caches/v1-b.tar.gz", "replaced".getBytes());
      assertThat(new String(store.getBytes("caches/v1-b.tar.gz").orElseThrow())).isEqualTo("replaced");
      store.delete("timings/j.json");
      store.delete("timings/j.json");
      assertThat(store.exists("timings/j.json")).isFalse();
      // the objects lie under the runner's scope in the gateway's bucket
      assertThat(gw.store.exists("org/contract/caches/v1-a.tar.gz")).isTrue();
    }
  }

  @Test
  void listingsPageThroughMoreThanOnePage() throws Exception {
    try (GatewayConnection c = connect("token-pages@org/pages")) {
      BlobStore store = new GatewayBlobStore(c::blocking);
      for (int i = 0; i < 1005; i++) {
        gw.store.put("org/pages/timings/job/wf/" + String.format("%05d", i) + ".json", new byte[] {'1'});
      }
      assertThat(store.list("timings/job/")).hasSize(1005).allMatch(b -> b.key().startsWith("timings/job/wf/"));
    }
  }

  @Test
  void anotherBuildsScopeIsNeitherReachedNorListed() throws Exception {
    try (GatewayConnection victimConn = connect("token-victim@org/victim");
         GatewayConnection attackerConn = connect("token-attacker@org/attacker")) {
      BlobStore victim = new GatewayBlobStore(victimConn::blocking);
      BlobStore attacker = new GatewayBlobStore(attackerConn::blocking);
      victim.putBytes("caches/blobs/v1-deps", "victim's cache".getBytes());
      victim.putBytes("workspaces/wf/layer.tar.gz", "victim's workspace".getBytes());

      // the same relative key reaches the attacker's own scope
      assertThat(attacker.getBytes("caches/blobs/v1-deps")).isEmpty();
      assertThat(attacker.exists("workspaces/wf/layer.tar.gz")).isFalse();
      assertThat(attacker.list("caches/")).isEmpty();
      attacker.putBytes("caches/blobs/v1-deps", "poison".getBytes());
      attacker.delete("workspaces/wf/layer.tar.gz");
      assertThat(new String(victim.getBytes("caches/blobs/v1-deps").orElseThrow())).isEqualTo("victim's cache");
      assertThat(victim.exists("workspaces/wf/layer.tar.gz")).isTrue();

      // keys that would climb out of the scope, or name no kind of the layout, are refused
      for (String key : new String[] {"../victim/caches/blobs/v1-deps", "caches/../../victim/caches/blobs/v1-deps",
          "/org/victim/caches/blobs/v1-deps", "org/victim/caches/blobs/v1-deps", "caches//x", "logs/x"}) {
        assertThatThrownBy(() -> attacker.getBytes(key)).as(key).isInstanceOf(IOException.class)
            .hasMessageContaining("INVALID_ARGUMENT");
        assertThatThrownBy(() -> attacker.list(key)).as(key).isInstanceOf(IOException.class)
            .hasMessageContaining("INVALID_ARGUMENT");
      }
      // a runner without an identity gets nothing
      Path none = Files.writeString(tmp.resolve("bad-token"), "not-a-token");
      try (GatewayConnection anonymous = new GatewayConnection("127.0.0.1:" + gw.port(), true,
          GatewayConnection.credentials(none))) {
        assertThatThrownBy(() -> new GatewayBlobStore(anonymous::blocking).list("caches/"))
            .isInstanceOf(IOException.class).hasMessageContaining("UNAUTHENTICATED");
      }
    }
  }

  @Test
  void artifactUploadsAreRecordedForTheBuild() throws Exception {
    try (GatewayConnection c = connect("token-arts@org/arts")) {
      BlobStore store = new GatewayBlobStore(c::blocking);
      store.putBytes("artifacts/wf/build/0/report.html", "<html/>".getBytes());
      assertThat(gw.records.artifacts).contains("wf/build/0/report.html=org/arts/artifacts/wf/build/0/report.html");
    }
  }

  @Test
  void largeFilesAreStreamedBothWays() throws Exception {
    try (GatewayConnection c = connect("token-large@org/large")) {
      BlobStore store = new GatewayBlobStore(c::blocking);
      Path big = tmp.resolve("big.bin");
      Random r = new Random(42);
      byte[] block = new byte[1 << 20];
      try (OutputStream out = Files.newOutputStream(big)) {
        for (int i = 0; i < 64; i++) {
          r.nextBytes(block);
          out.write(block);
        }
      }
      store.put("workspaces/wf/big.tar.gz", big);
      assertThat(store.list("workspaces/wf/big")).singleElement()
          .satisfies(b -> assertThat(b.size()).isEqualTo(64L << 20));
      Path back = tmp.resolve("back.bin");
      assertThat(store.get("workspaces/wf/big.tar.gz", back)).isTrue();
      assertThat(sha256(back)).isEqualTo(sha256(big));
    }
  }

  static String sha256(Path p) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p)) {
      byte[] b = new byte[1 << 16];
      for (int n; (n = in.read(b)) > 0; ) {
        d.update(b, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
