package dev.circlet.gateway.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.gateway.testing.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("services")
class ObjectStoreTest {
  @Test
  void putsReadsRangesConcatenatesAndPresignsAgainstS3Proxy() throws Exception {
    try (S3ProxyServer s3 = new S3ProxyServer("store-test");
         ObjectStore store = new ObjectStore(new ObjectStore.Settings(s3.endpoint(), "us-east-1", "store-test",
             S3ProxyServer.ACCESS, S3ProxyServer.SECRET, true, Duration.ofSeconds(5)))) {
      store.put("a/seg-1", "hello ".getBytes(StandardCharsets.UTF_8));
      store.put("a/seg-2", "world".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(store.getRange("a/seg-2", 1, 3), StandardCharsets.UTF_8)).isEqualTo("orl");
      assertThat(store.getRange("missing", 0, 10)).isEmpty();
      store.concatenate("a.log", store.list("a/"));
      assertThat(new String(store.getRange("a.log", 0, 100), StandardCharsets.UTF_8)).isEqualTo("hello world");
      ObjectStore.Presigned put = store.presign("x/artifact.txt", "PUT", Duration.ofMinutes(5));
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(put.url()))
          .PUT(HttpRequest.BodyPublishers.ofString("via url"));
      put.headers().forEach(req::header);
      assertThat(http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
      ObjectStore.Presigned get = store.presign("x/artifact.txt", "GET", Duration.ofMinutes(5));
      assertThat(http.send(HttpRequest.newBuilder(URI.create(get.url())).build(),
          HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("via url");
    }
  }
}
