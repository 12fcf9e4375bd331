package dev.circlet.runner.store;

import dev.circlet.proto.runner.v1.ListObjectsRequest;
import dev.circlet.proto.runner.v1.ListObjectsResponse;
import dev.circlet.proto.runner.v1.RunnerGrpc;
import dev.circlet.proto.runner.v1.StoredObject;
import dev.circlet.proto.runner.v1.TransferGrant;
import dev.circlet.proto.runner.v1.TransferRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The build pod's store when it holds no storage credentials: every operation asks the gateway
 * ({@code RequestTransfer}) for a presigned URL of one key and method, then does the HTTP request
 * itself, streaming files; {@code ListObjects} lists. Keys are relative to the Build's storage
 * scope, exactly as {@link ScopedBlobStore} lays them out ({@code caches/}, {@code workspaces/},
 * {@code artifacts/}, {@code test-results/}, {@code timings/}); the gateway takes the scope from
 * the runner's identity, so this store is never wrapped in a {@link ScopedBlobStore}.
 */
public final class GatewayBlobStore implements BlobStore {
  /** Headers java.net.http sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");
  private static final int ATTEMPTS = 4;

  private final Supplier<RunnerGrpc.RunnerBlockingStub> stub;
  private final HttpClient http;
  private final Duration callTimeout;

  /** @param stub a blocking stub carrying the build identity (a fresh one per call: deadlines are per stub) */
  public GatewayBlobStore(Supplier<RunnerGrpc.RunnerBlockingStub> stub) {
    this(stub, Duration.ofSeconds(30));
  }

  public GatewayBlobStore(Supplier<RunnerGrpc.RunnerBlockingStub> stub, Duration callTimeout) {
    this.stub = stub;
    this.callTimeout = callTimeout;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public void put(String key, Path file) throws IOException {
    send(key, TransferRequest.Method.PUT, () -> HttpRequest.BodyPublishers.ofFile(file), Set.of(200, 201, 204));
  }

  /**
   * Checks, then uploads with {@code If-None-Match: *} so that of two jobs saving the same cache
   * key at once only one writes (412/409: the other won); a store without conditional writes
   * (501) gets a plain upload, as {@link S3BlobStore} does.
   */
  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    if (exists(key)) {
      return false;
    }
    for (int attempt = 1; ; attempt++) {
      TransferGrant g = grant(key, TransferRequest.Method.PUT);
      HttpResponse<String> r;
      try {
        r = exchange(g, HttpRequest.BodyPublishers.ofFile(file), HttpResponse.BodyHandlers.ofString(),
            java.util.Map.of("If-None-Match", "*"));
      } catch (TransientIo e) {
        retryOrThrow(attempt, e);
        continue;
      }
      int status = r.statusCode();
      if (status == 200 || status == 201 || status == 204) {
        return true;
      }
      if (status == 412 || status == 409) {
        return false;
      }
      if (status == 501) {
        put(key, file);
        return true;
      }
      failOrRetry(attempt, "PUT", key, status, r.body());
    }
  }

  @Override
  public void putBytes(String key, byte[] data) throws IOException {
    send(key, TransferRequest.Method.PUT, () -> HttpRequest.BodyPublishers.ofByteArray(data), Set.of(200, 201, 204));
  }

  @Override
  public boolean get(String key, Path dest) throws IOException {
    Path parent = dest.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    for (int attempt = 1; ; attempt++) {
      TransferGrant g = grant(key, TransferRequest.Method.GET);
      HttpResponse<InputStream> r;
      try {
        r = exchange(g, HttpRequest.BodyPublishers.noBody(), HttpResponse.BodyHandlers.ofInputStream(), java.util.Map.of());
      } catch (TransientIo e) {
        retryOrThrow(attempt, e);
        continue;
      }
      try (InputStream in = r.body()) {
        if (r.statusCode() == 404) {
          return false;
        }
        if (r.statusCode() == 200) {
          // streamed to a neighbour first, so an interrupted download never leaves half a file at dest
          Path part = Files.createTempFile(parent, ".circlet-get", ".part");
          try {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          } finally {
            Files.deleteIfExists(part);
          }
          return true;
        }
        String body = new String(in.readNBytes(512), java.nio.charset.StandardCharsets.UTF_8);
        failOrRetry(attempt, "GET", key, r.statusCode(), body);
      }
    }
  }

  @Override
  public Optional<byte[]> getBytes(String key) throws IOException {
    for (int attempt = 1; ; attempt++) {
      TransferGrant g = grant(key, TransferRequest.Method.GET);
      HttpResponse<byte[]> r;
      try {
        r = exchange(g, HttpRequest.BodyPublishers.noBody(), HttpResponse.BodyHandlers.ofByteArray(), java.util.Map.of());
      } catch (TransientIo e) {
        retryOrThrow(attempt, e);
        continue;
      }
      if (r.statusCode() == 404) {
        return Optional.empty();
      }
      if (r.statusCode() == 200) {
        return Optional.of(r.body());
      }
      failOrRetry(attempt, "GET", key, r.statusCode(), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Override
  public void delete(String key) throws IOException {
    send(key, TransferRequest.Method.DELETE, HttpRequest.BodyPublishers::noBody, Set.of(200, 202, 204, 404));
  }

  @Override
  public boolean exists(String key) throws IOException {
    for (int attempt = 1; ; attempt++) {
      TransferGrant g = grant(key, TransferRequest.Method.HEAD);
      HttpResponse<Void> r;
      try {
        r = exchange(g, HttpRequest.BodyPublishers.noBody(), HttpResponse.BodyHandlers.discarding(), java.util.Map.of());
      } catch (TransientIo e) {
        retryOrThrow(attempt, e);
        continue;
      }
      if (r.statusCode() == 200) {
        return true;
      }
      if (r.statusCode() == 404) {
        return false;
      }
      failOrRetry(attempt, "HEAD", key, r.statusCode(), "");
    }
  }

  @Override
  public List<Blob> list(String prefix) throws IOException {
    List<Blob> out = new ArrayList<>();
    String token = "";
    do {
      ListObjectsRequest req = ListObjectsRequest.newBuilder().setPrefix(prefix).setPageToken(token).build();
      ListObjectsResponse page = call("list " + prefix, () -> stub().listObjects(req));
      for (StoredObject o : page.getObjectsList()) {
        out.add(new Blob(o.getKey(), o.getSize(), Instant.ofEpochMilli(o.getLastModifiedMillis())));
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  private RunnerGrpc.RunnerBlockingStub stub() {
    return stub.get().withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private interface Body {
    HttpRequest.BodyPublisher get() throws IOException;
  }

  private void send(String key, TransferRequest.Method method, Body body,
      Set<Integer> ok) throws IOException {
    for (int attempt = 1; ; attempt++) {
      TransferGrant g = grant(key, method);
      HttpResponse<String> r;
      try {
        r = exchange(g, body.get(), HttpResponse.BodyHandlers.ofString(), java.util.Map.of());
      } catch (TransientIo e) {
        retryOrThrow(attempt, e);
        continue;
      }
      if (ok.contains(r.statusCode())) {
        return;
      }
      failOrRetry(attempt, method.name(), key, r.statusCode(), r.body());
    }
  }

  private TransferGrant grant(String key, TransferRequest.Method method) throws IOException {
    TransferRequest req = TransferRequest.newBuilder().setKind(TransferRequest.Kind.SCOPED).setKey(key)
        .setMethod(method).build();
    return call(method + " " + key, () -> stub().requestTransfer(req));
  }

  /** A gateway call, retried while the gateway is unavailable; a refusal is an IOException naming the key. */
  private <T> T call(String what, Supplier<T> rpc) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return rpc.get();
      } catch (StatusRuntimeException e) {
        Status.Code c = e.getStatus().getCode();
        boolean transient_ = c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED
            || c == Status.Code.RESOURCE_EXHAUSTED;
        if (!transient_ || attempt >= ATTEMPTS) {
          throw new IOException("the gateway refused " + what + ": " + c
              + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")"), e);
        }
        pause(attempt);
      }
    }
  }

  /** A failed connection or exchange with object storage: worth another grant and attempt. */
  private static final class TransientIo extends IOException {
    TransientIo(String message, IOException cause) {
      super(message, cause);
    }
  }

  private static void retryOrThrow(int attempt, TransientIo e) throws IOException {
    if (attempt >= ATTEMPTS) {
      throw new IOException(e.getMessage(), e.getCause());
    }
    pause(attempt);
  }

  private <T> HttpResponse<T> exchange(TransferGrant g, HttpRequest.BodyPublisher body, HttpResponse.BodyHandler<T> handler,
      java.util.Map<String, String> extraHeaders) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(g.getUrl())).method(g.getMethod(), body)
        .timeout(Duration.ofMinutes(30));
    g.getHeadersMap().forEach((k, v) -> {
      if (!RESTRICTED.contains(k.toLowerCase(java.util.Locale.ROOT))) {
        b.header(k, v);
      }
    });
    extraHeaders.forEach(b::header);
    try {
      return http.send(b.build(), handler);
    } catch (java.io.InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      // the URL is the storage endpoint's, without its signature in the message
      URI u = URI.create(g.getUrl());
      throw new TransientIo(g.getMethod() + " of a stored object at " + u.getScheme() + "://" + u.getAuthority()
          + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted during " + g.getMethod() + " of a stored object");
    }
  }

  private void failOrRetry(int attempt, String method, String key, int status, String body) throws IOException {
    if (status < 500 || attempt >= ATTEMPTS) {
      throw new IOException(method + " " + key + " through a presigned URL failed with HTTP " + status
          + (body == null || body.isBlank() ? "" : ": " + body.strip()));
    }
    pause(attempt);
  }

  private static void pause(int attempt) throws IOException {
    try {
      Thread.sleep(250L << attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting to retry");
    }
  }
}
