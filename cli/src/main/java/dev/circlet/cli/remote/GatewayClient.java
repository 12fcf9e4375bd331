package dev.circlet.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The gateway's REST API v1 for the command line: JSON calls with the bearer token, problem
 * documents turned into one-line errors, raw step logs, and the live tail of a step (Server-Sent
 * Events, resumed from the last byte offset with {@code Last-Event-ID} when the connection drops).
 */
public final class GatewayClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RECONNECTS = 20;

  private final Credentials credentials;
  private final HttpClient http;
  private final Duration retryPause;

  public GatewayClient(Credentials credentials, Duration retryPause) {
    this.credentials = credentials;
    this.retryPause = retryPause;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** An error answer of the gateway: its status and the problem's detail. */
  public static final class GatewayException extends RuntimeException {
    private final int status;

    public GatewayException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public JsonNode get(String path) {
    return json(request(path).GET().build());
  }

  public JsonNode post(String path, Object body) {
    try {
      String text = body == null ? "{}" : JSON.writeValueAsString(body);
      return json(request(path).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(text)).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A step's log as stored so far. */
  public byte[] log(String namespace, String build, int step) {
    HttpResponse<byte[]> r = send(request(stepPath(namespace, build, step) + "/log").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() / 100 != 2) {
      throw problem(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    }
    return r.body();
  }

  /**
   * Follows a step's log until its {@code end} event, handing each chunk to {@code sink}. A dropped
   * connection is resumed at the last offset received, so no byte is shown twice or skipped.
   *
   * @return the byte offset reached
   */
  public long follow(String namespace, String build, int step, long from, Consumer<String> sink) {
    long offset = from;
    int reconnects = 0;
    while (true) {
      HttpRequest.Builder b = request(stepPath(namespace, build, step) + "/log/stream")
          .header("Accept", "text/event-stream").GET();
      if (offset > 0) {
        b.header("Last-Event-ID", Long.toString(offset));
      }
      try {
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() / 100 != 2) {
          try (InputStream in = r.body()) {
            throw problem(r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
        SseResult result = readEvents(r.body(), offset, sink);
        offset = result.offset();
        if (result.ended()) {
          return offset;
        }
      } catch (IOException e) {
        // dropped: resume below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (++reconnects > MAX_RECONNECTS) {
        throw new GatewayException(0, "the log stream of step " + step + " kept dropping; gave up at byte " + offset);
      }
      pause();
    }
  }

  /** How far an event stream got and whether it ended with {@code event: end}. */
  record SseResult(long offset, boolean ended) {}

  /** Reads {@code log} and {@code end} events; each event's id is the byte offset after its data. */
  static SseResult readEvents(InputStream body, long offset, Consumer<String> sink) throws IOException {
    long at = offset;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String event = "message";
      String id = null;
      StringBuilder data = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if ("end".equals(event)) {
            return new SseResult(id != null ? parseOffset(id, at) : at, true);
          }
          if (data != null) {
            sink.accept(data.toString());
            at = id != null ? parseOffset(id, at) : at;
          }
          event = "message";
          id = null;
          data = null;
          continue;
        }
        if (line.startsWith(":")) {
          continue;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        switch (field) {
          case "event" -> event = value;
          case "id" -> id = value;
          case "data" -> {
            if (data == null) {
              data = new StringBuilder(value);
            } else {
              data.append('\n').append(value);
            }
          }
          default -> { }
        }
      }
    }
    return new SseResult(at, false);
  }

  private static long parseOffset(String id, long fallback) {
    try {
      return Long.parseLong(id.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** {@code s} as one path segment. */
  public static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String stepPath(String namespace, String build, int step) {
    return "/api/v1/builds/" + segment(namespace) + "/" + segment(build) + "/steps/" + step;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(credentials.url() + path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + credentials.token());
  }

  private JsonNode json(HttpRequest req) {
    HttpResponse<String> r = send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw problem(r.statusCode(), r.body());
    }
    try {
      return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new GatewayException(r.statusCode(), "the gateway answered something that is not JSON");
    }
  }

  private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(req, handler);
    } catch (IOException e) {
      throw new GatewayException(0, "cannot reach the gateway at " + credentials.url() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static GatewayException problem(int status, String body) {
    String detail = null;
    try {
      JsonNode p = JSON.readTree(body);
      if (p != null && p.hasNonNull("detail")) {
        detail = p.get("detail").asText();
      }
    } catch (IOException e) {
      // not a problem document: the status alone speaks
    }
    String what = switch (status) {
      case 401 -> "not authenticated (log in again with 'circlet login')";
      case 403 -> "not allowed";
      case 404 -> "not found";
      default -> "the gateway answered " + status;
    };
    return new GatewayException(status, detail == null ? what : what + ": " + detail);
  }

  private void pause() {
    try {
      Thread.sleep(retryPause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
