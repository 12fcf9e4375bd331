package dev.circlet.config.orbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A local HTTP server answering the orb registry's GraphQL queries from a map of ref → source. */
public final class FakeOrbRegistry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<String, String> sources = new ConcurrentHashMap<>();
  public final List<String> asked = new CopyOnWriteArrayList<>();

  public FakeOrbRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/graphql-unstable", this::handle);
    server.start();
  }

  public FakeOrbRegistry publish(String ref, String source) {
    sources.put(ref, source);
    return this;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/graphql-unstable");
  }

  private void handle(HttpExchange ex) throws IOException {
    JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
    String query = req.path("query").asText();
    JsonNode vars = req.path("variables");
    ObjectNode data = JSON.createObjectNode();
    if (query.contains("orbVersion(orbVersionRef: $orbVersionRef)")) {
      String ref = vars.path("orbVersionRef").asText();
      asked.add("source " + ref);
      String source = sources.get(ref);
      if (source == null) {
        data.putNull("orbVersion");
      } else {
        ObjectNode ov = data.putObject("orbVersion");
        ov.put("id", "id-" + ref);
        ov.put("version", ref.substring(ref.indexOf('@') + 1));
        ov.putObject("orb").put("id", "orb-" + ref.substring(0, ref.indexOf('@')));
        ov.put("source", source);
      }
    } else if (query.contains("orb(name: $name)")) {
      String name = vars.path("name").asText();
      asked.add("versions " + name);
      List<String> versions = sources.keySet().stream().filter(r -> r.startsWith(name + "@"))
          .map(r -> r.substring(name.length() + 1)).toList();
      if (versions.isEmpty()) {
        data.putNull("orb");
      } else {
        ObjectNode orb = data.putObject("orb");
        orb.put("name", name);
        ArrayNode list = orb.putArray("versions");
        versions.forEach(v -> list.addObject().put("version", v));
      }
    } else {
      reply(ex, 400, "{\"errors\":[{\"message\":\"unknown query\"}]}");
      return;
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("data", data);
    reply(ex, 200, root.toString());
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
