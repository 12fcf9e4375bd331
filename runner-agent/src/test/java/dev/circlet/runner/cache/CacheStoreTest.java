package dev.circlet.runner.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.store.LocalBlobStore;
import dev.circlet.runner.store.S3BlobStore;
import dev.circlet.runner.store.ScopedBlobStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cache keys of any length CircleCI accepts, exact and prefix restore, immutability and tenant
 * scopes, on the local directory store and on S3 (an in-process s3proxy).
 */
class CacheStoreTest {
  /** About 600 characters, most of them encoded to three: far past any file name limit. */
  static final String LONG = "v1-deps-linux-" + "node_modules/@scope/pkg+=/".repeat(20) + "sha256-" + "abcdef0123".repeat(6);

  static S3Proxy proxy;
  static BlobStoreContext jclouds;
  static URI endpoint;

  @BeforeAll
  static void startS3() throws Exception {
    jclouds = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
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

  void longKeys(BlobStore store, Path tmp) throws Exception {
    assertThat(LONG.length()).isGreaterThan(600);
    CacheStore caches = new CacheStore(store);
    Path payload = Files.writeString(tmp.resolve("payload"), "archive bytes");
    Path other = Files.writeString(tmp.resolve("other"), "other bytes");
    String sibling = LONG.substring(0, 400) + "-sibling";

    assertThat(caches.save(LONG, true, payload)).isTrue();
    assertThat(caches.save(LONG, false, other)).as("a key is immutable").isFalse();
    assertThat(caches.save(sibling, false, other)).isTrue();
    assertThat(caches.exists(LONG)).isTrue();
    assertThat(caches.exists(LONG.substring(0, LONG.length() - 1))).isFalse();

    CacheStore.Entry exact = caches.find(List.of(LONG)).orElseThrow();
    assertThat(exact).isEqualTo(new CacheStore.Entry(LONG, CacheStore.blobKey(LONG), true));
    Path got = tmp.resolve("got");
    assertThat(store.get(exact.objectKey(), got)).isTrue();
    assertThat(Files.readString(got)).isEqualTo("archive bytes");
    // a long prefix that only the index object's whole key can decide
    assertThat(caches.find(List.of(LONG.substring(0, 450)))).get().extracting(CacheStore.Entry::cacheKey).isEqualTo(LONG);
    assertThat(caches.find(List.of(LONG.substring(0, 400) + "-sib"))).get().extracting(CacheStore.Entry::cacheKey)
        .isEqualTo(sibling);
    assertThat(caches.find(List.of("v2-", LONG.substring(0, 300) + "zzz"))).isEmpty();
    assertThat(caches.find(List.of("v9-", "v1-deps-"))).isPresent();
    try (Stream<BlobStore.Blob> s = store.list("caches/").stream()) {
      assertThat(s.map(b -> b.key().substring(b.key().lastIndexOf('/') + 1).length())).allMatch(n -> n < 255);
    }
  }

  @Test
  void longKeysOnTheLocalStore(@TempDir Path tmp) throws Exception {
    longKeys(new LocalBlobStore(tmp.resolve("store")), tmp);
  }

  @Test
  void longKeysOnS3(@TempDir Path tmp) throws Exception {
    try (S3BlobStore s3 = new S3BlobStore(S3BlobStore.client(endpoint, "us-east-1", "access", "secret"), "circlet",
        "long-keys")) {
      longKeys(new ScopedBlobStore(s3, "orgs/acme/projects/shop/site"), tmp);
    }
  }

  @Test
  void theFirstRestoreKeyWithAMatchWinsAndTheNewestCacheUnderIt(@TempDir Path tmp) throws Exception {
    LocalBlobStore store = new LocalBlobStore(tmp.resolve("store"));
    CacheStore caches = new CacheStore(store);
    Path f = Files.writeString(tmp.resolve("payload"), "x");
    caches.save("v1-a-old", false, f);
    caches.save("v1-a-new", true, f);
    caches.save("v1-b+/=", false, f);
    Files.setLastModifiedTime(store.root().resolve(CacheStore.indexKey("v1-a-old")), FileTime.from(Instant.ofEpochSecond(1000)));
    Files.setLastModifiedTime(store.root().resolve(CacheStore.indexKey("v1-a-new")), FileTime.from(Instant.ofEpochSecond(2000)));

    assertThat(caches.find(List.of("v2-", "v1-a-"))).hasValue(new CacheStore.Entry("v1-a-new", CacheStore.blobKey("v1-a-new"), true));
    assertThat(caches.find(List.of("v1-a-old", "v1-a-"))).get().extracting(CacheStore.Entry::cacheKey).isEqualTo("v1-a-old");
    assertThat(caches.find(List.of("v1-b+/"))).get().extracting(CacheStore.Entry::cacheKey).isEqualTo("v1-b+/=");
    assertThat(caches.find(List.of("v3-"))).isEmpty();
    assertThat(caches.exists("v1-a-new")).isTrue();
    assertThat(caches.exists("v1-a")).isFalse();
  }

  /** With shared storage, another tenant's fallback prefix must not restore this tenant's cache. */
  @Test
  void anotherTenantsFallbackPrefixNeverRestoresThisTenantsCache(@TempDir Path tmp) throws Exception {
    try (S3BlobStore s3 = new S3BlobStore(S3BlobStore.client(endpoint, "us-east-1", "access", "secret"), "circlet",
        "shared")) {
      CacheStore acme = new CacheStore(new ScopedBlobStore(s3, "orgs/acme/projects/shop/site"));
      CacheStore hobby = new CacheStore(new ScopedBlobStore(s3, "orgs/hobby/projects/evil/site"));
      CacheStore acmeOther = new CacheStore(new ScopedBlobStore(s3, "orgs/acme/projects/shop/site-2"));
      Path f = Files.writeString(tmp.resolve("payload"), "x");
      assertThat(acme.save("v1-deps-evil", true, f)).isTrue();
      assertThat(hobby.find(List.of("v1-deps-", "v1-", "v"))).isEmpty();
      assertThat(hobby.exists("v1-deps-evil")).isFalse();
      assertThat(acmeOther.find(List.of("v1-"))).as("a project whose name extends another's").isEmpty();
      assertThat(hobby.save("v1-deps-evil", true, f)).as("each tenant has its own key space").isTrue();
      assertThat(acme.find(List.of("v1-"))).isPresent();
    }
  }
}
