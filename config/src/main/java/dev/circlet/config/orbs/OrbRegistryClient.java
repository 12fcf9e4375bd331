package dev.circlet.config.orbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads orb sources from an orb registry over its GraphQL API, with the query the CircleCI CLI
 * makes for {@code circleci orb source} ({@code orbVersion(orbVersionRef)} with its {@code source}).
 * A version range ({@code 5}, {@code 5.1}, {@code volatile}) is resolved against the orb's list of
 * released versions to the newest match, then fetched exactly, so the exact version is known.
 */
public final class OrbRegistryClient {
  /** The public registry's GraphQL endpoint. */
  public static final URI PUBLIC = URI.create("https://circleci.com/graphql-unstable");

  static final String SOURCE_QUERY = """
      query($orbVersionRef: String!) {
        orbVersion(orbVersionRef: $orbVersionRef) {
          id
          version
          orb { id }
          source
        }
      }""";

  static final String VERSIONS_QUERY = """
      query($name: String!) {
        orb(name: $name) {
          name
          versions { version }
        }
      }""";

  /** Responses larger than this are refused: an orb source is a few hundred kilobytes at most. */
  private static final int MAX_BODY = 8 * 1024 * 1024;

  /** An orb version as the registry released it. */
  public record Release(String namespace, String name, String version, String source) {
    public String ref() {
      return namespace + "/" + name + "@" + version;
    }
  }

  /** The registry could not be asked (unreachable, timed out, or answered with an error). */
  public static final class UnavailableException extends IOException {
    public UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final HttpClient http;
  private final Duration timeout;

  public OrbRegistryClient(URI endpoint, Duration timeout) {
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The release a reference selects, or empty when the registry has no such orb or version. */
  public Optional<Release> fetch(String namespace, String name, String version) throws UnavailableException {
    String exact = version;
    if (OrbVersions.isRange(version)) {
      Optional<String> newest = OrbVersions.select(versions(namespace, name), version);
      if (newest.isEmpty()) {
        return Optional.empty();
      }
      exact = newest.get();
    }
    ObjectNode vars = JSON.createObjectNode().put("orbVersionRef", namespace + "/" + name + "@" + exact);
    JsonNode ov = query(SOURCE_QUERY, vars).path("orbVersion");
    if (!ov.isObject() || !ov.path("source").isTextual() || ov.path("id").asText("").isEmpty()) {
      return Optional.empty();
    }
    String released = ov.path("version").asText(exact);
    return Optional.of(new Release(namespace, name, released.isEmpty() ? exact : released, ov.path("source").asText()));
  }

  /** The orb's released versions; empty when the orb does not exist. */
  public List<String> versions(String namespace, String name) throws UnavailableException {
    JsonNode orb = query(VERSIONS_QUERY, JSON.createObjectNode().put("name", namespace + "/" + name)).path("orb");
    List<String> out = new ArrayList<>();
    for (JsonNode v : orb.path("versions")) {
      if (v.path("version").isTextual()) {
        out.add(v.path("version").asText());
      }
    }
    return out;
  }

  private JsonNode query(String query, ObjectNode variables) throws UnavailableException {
    ObjectNode body = JSON.createObjectNode().put("query", query);
    body.set("variables", variables);
    HttpRequest req = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
    HttpResponse<java.io.InputStream> resp;
    byte[] bytes;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.InputStream in = resp.body()) {
        // Read one byte past the cap so an oversized answer is refused without being held whole.
        bytes = in.readNBytes(MAX_BODY + 1);
      }
    } catch (IOException e) {
      throw new UnavailableException("orb registry " + endpoint + " could not be reached ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while asking the orb registry " + endpoint, e);
    }
    if (resp.statusCode() != 200) {
      throw new UnavailableException("orb registry " + endpoint + " answered HTTP " + resp.statusCode(), null);
    }
    if (bytes.length > MAX_BODY) {
      throw new UnavailableException("orb registry " + endpoint + " sent more than " + MAX_BODY + " bytes", null);
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UnavailableException("orb registry " + endpoint + " answered with something other than JSON", e);
    }
    JsonNode errors = root.path("errors");
    if (errors.isArray() && !errors.isEmpty() && root.path("data").isNull()) {
      throw new UnavailableException("orb registry " + endpoint + " answered with an error: "
          + errors.get(0).path("message").asText("(no message)"), null);
    }
    return root.path("data");
  }
}
