package dev.circlet.config.orbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.PipelineContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client and its cache against a local server playing the orb registry. */
class OrbRegistryTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String NOTIFY_1 = """
      version: 2.1
      commands:
        send:
          parameters: {to: {type: string, default: team}}
          steps: [{run: echo notify-1 << parameters.to >>}]
      """;
  private static final String NOTIFY_2 = NOTIFY_1.replace("notify-1", "notify-2");
  private static final String DEPLOY = """
      version: 2.1
      orbs:
        notify: acme/notify@1
      commands:
        ship:
          steps:
            - run: ./ship.sh
            - notify/send: {to: ops}
      """;

  @TempDir Path cache;
  FakeOrbRegistry registry;

  @BeforeEach
  void start() throws IOException {
    registry = new FakeOrbRegistry()
        .publish("acme/notify@1.9.2", NOTIFY_1)
        .publish("acme/notify@1.10.0", NOTIFY_1.replace("notify-1", "notify-1.10"))
        .publish("acme/notify@2.0.0", NOTIFY_2)
        .publish("acme/deploy@3.1.0", DEPLOY);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private RegistryOrbStore online() {
    return new RegistryOrbStore(new OrbRegistryClient(registry.endpoint(), TIMEOUT), cache);
  }

  @Test
  void foundExactVersionIsFetchedWithTheCliQueryAndCached() throws IOException {
    RegistryOrbStore store = online();
    assertThat(store.source("acme", "notify", "2.0.0")).contains(NOTIFY_2);
    assertThat(registry.asked).containsExactly("source acme/notify@2.0.0");
    assertThat(Files.readString(cache.resolve("acme/notify/2.0.0.yml"))).isEqualTo(NOTIFY_2);
    // Cached exact versions are not asked for again.
    assertThat(online().source("acme", "notify", "2.0.0")).contains(NOTIFY_2);
    assertThat(registry.asked).hasSize(1);
  }

  @Test
  void notFoundIsEmptyAndSaysSo() {
    RegistryOrbStore store = online();
    assertThat(store.source("acme", "notify", "9.0.0")).isEmpty();
    assertThat(store.source("acme", "nothing", "1")).isEmpty();
    assertThat(store.howToVendor("acme", "nothing", "1")).isEqualTo("the orb registry " + registry.endpoint()
        + " has no acme/nothing@1");
  }

  @Test
  void partialVersionsResolveToTheNewestMatchingRelease() {
    RegistryOrbStore store = online();
    assertThat(store.source("acme", "notify", "1")).get().asString().contains("notify-1.10");
    assertThat(store.source("acme", "notify", "1.9")).get().asString().contains("notify-1 ");
    assertThat(store.source("acme", "notify", "volatile")).contains(NOTIFY_2);
    assertThat(store.resolved()).containsEntry("acme/notify@1", "1.10.0").containsEntry("acme/notify@1.9", "1.9.2")
        .containsEntry("acme/notify@volatile", "2.0.0");
  }

  @Test
  void nestedImportsResolveRecursivelyForCompileAndVendor() {
    RegistryOrbStore store = online();
    String config = """
        version: 2.1
        orbs:
          deploy: acme/deploy@3
        jobs:
          release:
            docker: [{image: alpine}]
            steps: [deploy/ship]
        workflows:
          main: {jobs: [release]}
        """;
    CompileResult r = new ConfigCompiler(store).compile(ConfigSource.of("config.yml", config),
        PipelineContext.branch("main"));
    assertThat(r.errors()).isEmpty();
    assertThat(r.workflow("main").job("release").steps()).extracting(s -> s.command())
        .containsExactly("./ship.sh", "echo notify-1.10 ops");

    List<OrbVendor.Vendored> orbs = OrbVendor.collect(online(), "acme/deploy@3");
    assertThat(orbs).extracting(v -> v.namespace() + "/" + v.name() + "@" + v.version())
        .containsExactly("acme/deploy@3.1.0", "acme/notify@1.10.0");
    String yaml = OrbVendor.configMaps(orbs, "circlet-system");
    assertThat(yaml).startsWith("""
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: orb-acme-deploy
          namespace: circlet-system
          labels:
            ci.circlet.dev/orb-namespace: acme
            ci.circlet.dev/orb-name: deploy
        data:
          3.1.0.yml: |
            version: 2.1
            orbs:
              notify: acme/notify@1
        """).contains("  name: orb-acme-notify\n", "  1.10.0.yml: |\n");
  }

  @Test
  void registryDownTheCacheStillServes() throws IOException {
    online().source("acme", "notify", "1");
    online().source("acme", "deploy", "3.1.0");
    URI dead = URI.create("http://127.0.0.1:" + freePort() + "/graphql-unstable");
    RegistryOrbStore down = new RegistryOrbStore(new OrbRegistryClient(dead, TIMEOUT), cache);
    assertThat(down.source("acme", "notify", "1")).get().asString().contains("notify-1.10");
    assertThat(down.source("acme", "deploy", "3.1.0")).contains(DEPLOY);
    assertThat(down.resolved()).containsEntry("acme/notify@1", "1.10.0");
    assertThat(down.source("acme", "notify", "2")).isEmpty();
    assertThat(down.howToVendor("acme", "notify", "2")).startsWith("orb registry " + dead + " could not be reached")
        .endsWith("and the orb cache " + cache + " has no copy of acme/notify@2");

    RegistryOrbStore offline = new RegistryOrbStore(null, cache);
    assertThat(offline.source("acme", "notify", "1.10")).get().asString().contains("notify-1.10");
    assertThat(offline.howToVendor("acme", "x", "1")).startsWith("offline, and the orb cache");
  }

  @Test
  void referencesThatAreNotReleasesNeverReachTheRegistryOrTheDisk() {
    RegistryOrbStore store = online();
    assertThat(store.source("acme", "notify", "../../etc/passwd")).isEmpty();
    assertThat(store.source("acme", "..", "1.0.0")).isEmpty();
    assertThat(store.source("acme", "notify", "dev:main")).isEmpty();
    assertThat(registry.asked).isEmpty();
  }

  @Test
  void vendorNamesAnOrbThatCannotBeResolved() {
    assertThatThrownBy(() -> OrbVendor.collect(online(), "acme/missing@1.0.0"))
        .hasMessage("orb acme/missing@1.0.0 could not be resolved: the orb registry " + registry.endpoint()
            + " has no acme/missing@1.0.0");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
