package dev.circlet.runner.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same contract for the local-directory store and the S3 store (against an in-process s3proxy). */
class BlobStoreContractTest {
  static S3Proxy proxy;
  static BlobStoreContext jclouds;
  static URI endpoint;

  @BeforeAll
  static void startS3() throws Exception {
    Properties p = new Properties();
    jclouds = ContextBuilder.newBuilder("transient").credentials("identity", "credential").overrides(p)
        .build(BlobStoreContext.class);
    jclouds.getBlobStore().createContainerInLocation(null, "circlet");
    proxy = S3Proxy.builder().blobStore(jclouds.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(org.gaul.s3proxy.AuthenticationType.AWS_V2_OR_V4, "access", "secret").build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  @AfterAll
  static void stopS3() throws Exception {
    proxy.stop();
    jclouds.close();
  }

  void contract(BlobStore store, Path tmp) throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "payload");
    store.put("caches/v1-a.tar.gz", f);
    store.putBytes("caches/v1-b.tar.gz", "bee".getBytes());
    store.putBytes("timings/j.json", "{}".getBytes());
    assertThat(store.list("caches/v1-").stream().map(BlobStore.Blob::key)).containsExactlyInAnyOrder(
        "caches/v1-a.tar.gz", "caches/v1-b.tar.gz");
    assertThat(store.list("caches/").stream().map(BlobStore.Blob::key)).noneMatch(k -> k.contains(".part"));
    assertThat(store.list("caches/v1-a").get(0).size()).isEqualTo(7);
    assertThat(store.list("nothing/")).isEmpty();
    assertThat(store.exists("caches/v1-a.tar.gz")).isTrue();
    assertThat(store.exists("caches/v1-")).isFalse();
    Path out = tmp.resolve("out");
    assertThat(store.get("caches/v1-a.tar.gz", out)).isTrue();
    assertThat(Files.readString(out)).isEqualTo("payload");
    assertThat(store.get("caches/absent", tmp.resolve("absent"))).isFalse();
    assertThat(store.getBytes("caches/v1-b.tar.gz")).hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("bee"));
    assertThat(store.getBytes("absent")).isEmpty();
    assertThat(store.putIfAbsent("caches/v1-a.tar.gz", tmp.resolve("f"))).isFalse();
    Path g = Files.writeString(tmp.resolve("g"), "other");
    assertThat(store.putIfAbsent("caches/v1-c.tar.gz", g)).isTrue();
    assertThat(store.putIfAbsent("caches/v1-c.tar.gz", f)).isFalse();
    assertThat(new String(store.getBytes("caches/v1-c.tar.gz").orElseThrow())).isEqualTo("other");
    store.putBytes("caches/v1-b.tar.gz", "replaced".getBytes());
    assertThat(new String(store.getBytes("caches/v1-b.tar.gz").orElseThrow())).isEqualTo("replaced");
  }

  @Test
  void localDirectory(@TempDir Path tmp) throws Exception {
    contract(new LocalBlobStore(tmp.resolve("store")), tmp);
  }

  @Test
  void s3Compatible(@TempDir Path tmp) throws Exception {
    try (S3BlobStore s3 = new S3BlobStore(S3BlobStore.client(endpoint, "us-east-1", "access", "secret"), "circlet", "org-a")) {
      contract(s3, tmp);
    }
    // the prefix isolates stores sharing a bucket
    try (S3BlobStore other = new S3BlobStore(S3BlobStore.client(endpoint, null, "access", "secret"), "circlet", "org-b/")) {
      assertThat(other.list("caches/")).isEmpty();
    }
  }
}
