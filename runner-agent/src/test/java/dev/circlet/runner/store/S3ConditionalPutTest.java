package dev.circlet.runner.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cache keys are immutable: {@link S3BlobStore#putIfNoneMatch} sends {@code If-None-Match: *} and
 * reads the store's answer. A small HTTP server plays an S3 store that honours the condition (as
 * AWS S3, MinIO and Ceph RGW do) or one that does not implement it.
 */
class S3ConditionalPutTest {
  @TempDir Path tmp;
  HttpServer server;
  final Map<String, String> objects = new ConcurrentHashMap<>();
  final List<String> conditions = new CopyOnWriteArrayList<>();

  S3BlobStore store(boolean implementsConditions) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> answer(exchange, implementsConditions));
    server.start();
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    return new S3BlobStore(S3BlobStore.client(endpoint, "us-east-1", "access", "secret"), "circlet", "org");
  }

  private void answer(HttpExchange ex, boolean implementsConditions) throws IOException {
    String key = ex.getRequestURI().getPath();
    byte[] body = ex.getRequestBody().readAllBytes();
    String condition = ex.getRequestHeaders().getFirst("If-None-Match");
    if (!ex.getRequestMethod().equals("PUT")) {
      reply(ex, 404, "<Error><Code>NoSuchKey</Code><Message>not here</Message></Error>");
      return;
    }
    conditions.add(String.valueOf(condition));
    if (condition != null && !implementsConditions) {
      reply(ex, 501, "<Error><Code>NotImplemented</Code><Message>If-None-Match</Message></Error>");
      return;
    }
    if ("*".equals(condition) && objects.containsKey(key)) {
      reply(ex, 412, "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>");
      return;
    }
    objects.put(key, new String(body, StandardCharsets.UTF_8));
    ex.getResponseHeaders().add("ETag", "\"e" + objects.size() + "\"");
    ex.sendResponseHeaders(200, -1);
    ex.close();
  }

  private static void reply(HttpExchange ex, int status, String xml) throws IOException {
    byte[] b = xml.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/xml");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theSecondWriterOfAKeyIsRefusedByTheStore() throws IOException {
    try (S3BlobStore s3 = store(true)) {
      assertThat(s3.putIfNoneMatch("caches/v1-deps.tar.gz", Files.writeString(tmp.resolve("a"), "first"))).isTrue();
      assertThat(s3.putIfNoneMatch("caches/v1-deps.tar.gz", Files.writeString(tmp.resolve("b"), "second"))).isFalse();
    }
    assertThat(conditions).containsExactly("*", "*");
    assertThat(objects).containsExactly(Map.entry("/circlet/org/caches/v1-deps.tar.gz", "first"));
  }

  @Test
  void aStoreWithoutConditionalWritesGetsAPlainPut() throws IOException {
    try (S3BlobStore s3 = store(false)) {
      assertThat(s3.putIfNoneMatch("caches/v1-deps.tar.gz", Files.writeString(tmp.resolve("a"), "first"))).isTrue();
    }
    assertThat(conditions).containsExactly("*", "null");
    assertThat(objects).containsEntry("/circlet/org/caches/v1-deps.tar.gz", "first");
  }
}
