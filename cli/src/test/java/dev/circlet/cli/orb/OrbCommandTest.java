package dev.circlet.cli.orb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.circlet.cli.Circlet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code circlet orb vendor} and {@code config validate} resolving orbs through a local registry and cache. */
class OrbCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ORBS = Map.of(
      "acme/deploy@3.1.0", "version: 2.1\norbs:\n  say: acme/say@1.0.0\ncommands:\n  ship:\n    steps: [{run: ./ship}, say/hi]\n",
      "acme/say@1.0.0", "version: 2.1\ncommands:\n  hi:\n    steps: [{run: echo hi}]\n");

  @TempDir Path dir;
  HttpServer server;
  String url;

  private record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/graphql-unstable", ex -> {
      JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
      ObjectNode data = JSON.createObjectNode();
      if (req.path("query").asText().contains("orbVersion(")) {
        String ref = req.path("variables").path("orbVersionRef").asText();
        if (ORBS.containsKey(ref)) {
          data.putObject("orbVersion").put("id", ref).put("version", ref.substring(ref.indexOf('@') + 1))
              .put("source", ORBS.get(ref));
        } else {
          data.putNull("orbVersion");
        }
      } else {
        String name = req.path("variables").path("name").asText();
        ObjectNode orb = data.putObject("orb");
        ORBS.keySet().stream().filter(r -> r.startsWith(name + "@"))
            .forEach(r -> orb.withArray("versions").addObject().put("version", r.substring(r.indexOf('@') + 1)));
      }
      byte[] body = JSON.createObjectNode().set("data", data).toString().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/graphql-unstable";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Circlet());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void vendorPrintsTheOrbAndItsImportsAsConfigMaps() {
    Run r = run("orb", "vendor", "acme/deploy@3", "--registry", url, "--orb-cache", dir.resolve("cache").toString(),
        "-n", "ci");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("  name: orb-acme-deploy\n  namespace: ci\n", "ci.circlet.dev/orb-name: deploy\n",
        "  3.1.0.yml: |\n", "  name: orb-acme-say\n", "  1.0.0.yml: |\n");
  }

  @Test
  void vendorNamesAMissingOrb() {
    Run r = run("orb", "vendor", "acme/none@1.0.0", "--registry", url, "--orb-cache", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("circlet orb vendor: orb acme/none@1.0.0 could not be resolved: the orb registry "
        + url + " has no acme/none@1.0.0\n");
  }

  @Test
  void validateResolvesThroughTheRegistryThenWorksOfflineFromTheCache() throws IOException {
    Path config = dir.resolve("config.yml");
    Files.writeString(config, """
        version: 2.1
        orbs:
          deploy: acme/deploy@3.1
        jobs:
          release:
            docker: [{image: alpine}]
            steps: [deploy/ship]
        workflows:
          main: {jobs: [release]}
        """);
    String cache = dir.resolve("cache").toString();
    Run online = run("config", "validate", config.toString(), "--registry", url, "--orb-cache", cache);
    assertThat(online.err()).isEmpty();
    assertThat(online.code()).isZero();
    server.stop(0);
    Run offline = run("config", "process", config.toString(), "--offline", "--orb-cache", cache, "--branch", "main");
    assertThat(offline.code()).isZero();
    assertThat(offline.out()).contains("command: ./ship", "command: echo hi");
    Run down = run("config", "validate", config.toString(), "--registry", url, "--orb-cache", cache);
    assertThat(down.code()).isZero();
  }
}
