package dev.circlet.cli.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A local HTTP server standing in for the gateway: it records every request (method, path with
 * query, headers, body) and answers from a script of responses per "METHOD path" (the last
 * response of a script repeats).
 */
final class RecordingGateway implements AutoCloseable {
  /** A recorded request. */
  record Request(String method, String path, Map<String, String> headers, String body) {}

  /** A scripted answer. */
  record Answer(int status, String contentType, String body) {
    static Answer json(int status, String body) {
      return new Answer(status, status >= 400 ? "application/problem+json" : "application/json", body);
    }
  }

  private final HttpServer server;
  private final Map<String, Deque<Answer>> script = new LinkedHashMap<>();
  final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  RecordingGateway() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized RecordingGateway on(String methodAndPath, Answer... answers) {
    script.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>()).addAll(List.of(answers));
    return this;
  }

  List<Request> requests(String methodAndPathPrefix) {
    synchronized (requests) {
      return requests.stream().filter(r -> (r.method() + " " + r.path()).startsWith(methodAndPathPrefix)).toList();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = ex.getRequestURI().getRawPath()
        + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
    requests.add(new Request(ex.getRequestMethod(), path, headers, body));
    Answer a = next(ex.getRequestMethod() + " " + path);
    if (a == null) {
      a = Answer.json(404, "{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404,\"detail\":\"no such API path\"}");
    }
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", a.contentType());
    ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private synchronized Answer next(String key) {
    Deque<Answer> d = script.get(key);
    if (d == null || d.isEmpty()) {
      return null;
    }
    return d.size() > 1 ? d.poll() : d.peek();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
