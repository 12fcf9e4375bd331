package dev.circlet.config.orbs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.PipelineContext;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cluster's orb store: cache first, registry under the policy, pins and the record of versions. */
class CachingOrbStoreTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String V1 = "version: 2.1\ncommands: {hello: {steps: [{run: echo one}]}}\n";
  private static final String V1_1 = V1.replace("one", "one-one");
  private static final String V2 = V1.replace("one", "two");

  FakeOrbRegistry registry;
  MapCache cache = new MapCache();

  @BeforeEach
  void start() throws IOException {
    registry = new FakeOrbRegistry()
        .publish("acme/hello@1.0.0", V1)
        .publish("acme/hello@1.1.0", V1_1)
        .publish("acme/hello@2.0.0", V2)
        .publish("other/tool@1.0.0", V1);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private CachingOrbStore store(OrbPolicy policy, Map<String, String> pins) {
    return new CachingOrbStore(cache, new OrbRegistryClient(registry.endpoint(), TIMEOUT), policy, pins);
  }

  @Test
  void policyOnFetchesTheNewestReleaseOfARangeSavesItAndRecordsTheExactVersion() {
    CachingOrbStore store = store(new OrbPolicy(OrbPolicy.Mode.ON, Set.of()), Map.of());
    assertThat(store.source("acme", "hello", "1")).contains(V1_1);
    assertThat(cache.saved).containsExactly("acme/hello@1.1.0");
    assertThat(store.resolved()).containsExactly(Map.entry("acme/hello@1", "1.1.0"));
  }

  @Test
  void anExactVersionInTheCacheNeverAsksTheRegistry() {
    cache.put("acme", "hello", "1.0.0", V1);
    CachingOrbStore store = store(new OrbPolicy(OrbPolicy.Mode.ON, Set.of()), Map.of());
    assertThat(store.source("acme", "hello", "1.0.0")).contains(V1);
    assertThat(registry.asked).isEmpty();
    assertThat(cache.saved).isEmpty();
  }

  @Test
  void aRangeOfAPrivateOrbTheRegistryDoesNotKnowIsServedFromTheCache() {
    cache.put("acme", "private", "3.2.1", V1);
    CachingOrbStore store = store(new OrbPolicy(OrbPolicy.Mode.ON, Set.of()), Map.of());
    assertThat(store.source("acme", "private", "3")).contains(V1);
    assertThat(store.resolved()).containsExactly(Map.entry("acme/private@3", "3.2.1"));
  }

  @Test
  void aPinnedReferenceCompilesAgainstTheSameReleaseAfterANewerOneIsPublished() {
    cache.put("acme", "hello", "1.0.0", V1);
    CachingOrbStore store = store(new OrbPolicy(OrbPolicy.Mode.ON, Set.of()), Map.of("acme/hello@1", "1.0.0"));
    assertThat(store.source("acme", "hello", "1")).contains(V1);
    assertThat(store.resolved()).containsExactly(Map.entry("acme/hello@1", "1.0.0"));
    assertThat(registry.asked).isEmpty();
  }

  @Test
  void policyOffServesTheCacheAndDeniesTheRestWithThePolicysReason() {
    cache.put("acme", "hello", "1.0.0", V1);
    CachingOrbStore store = store(OrbPolicy.off(), Map.of());
    assertThat(store.source("acme", "hello", "1")).contains(V1);
    assertThat(store.source("acme", "hello", "2")).isEmpty();
    assertThat(registry.asked).isEmpty();
    assertThat(store.howToVendor("acme", "hello", "2"))
        .startsWith("the cluster's orb policy does not fetch orbs from the registry (circlet.orbs.registry.policy=off)")
        .endsWith("; or vendor acme/hello@2 by hand");
  }

  @Test
  void allowListedFetchesOnlyTheListedNamespaces() {
    CachingOrbStore store = store(OrbPolicy.parse("allow-listed", Set.of("acme")), Map.of());
    assertThat(store.source("acme", "hello", "2")).contains(V2);
    assertThat(store.source("other", "tool", "1")).isEmpty();
    assertThat(store.howToVendor("other", "tool", "1"))
        .startsWith("the cluster's orb policy fetches only orbs of acme from the registry, not of other");
  }

  @Test
  void aDeniedOrbIsAnInvalidConfigNamingThePolicy() {
    CachingOrbStore store = store(OrbPolicy.parse("allow-listed", Set.of("acme")), Map.of());
    CompileResult r = new ConfigCompiler(store).compile(ConfigSource.of("config.yml", """
        version: 2.1
        orbs:
          tool: other/tool@1
        jobs:
          build:
            docker: [{image: alpine}]
            steps: [tool/hello]
        workflows:
          main: {jobs: [build]}
        """), PipelineContext.branch("main"));
    assertThat(r.ok()).isFalse();
    assertThat(r.errors().get(0).message()).contains("orb other/tool@1")
        .contains("fetches only orbs of acme from the registry, not of other");
  }

  @Test
  void registryDownServesTheCacheAndSaysWhyWhenItCannot() {
    cache.put("acme", "hello", "1.0.0", V1);
    registry.close();
    CachingOrbStore store = store(new OrbPolicy(OrbPolicy.Mode.ON, Set.of()), Map.of());
    assertThat(store.source("acme", "hello", "1")).contains(V1);
    assertThat(store.resolved()).containsEntry("acme/hello@1", "1.0.0");
    assertThat(store.source("acme", "hello", "2")).isEmpty();
    assertThat(store.howToVendor("acme", "hello", "2")).contains("and the orb cache has no copy");
  }

  @Test
  void policySettingsAreParsedStrictly() {
    assertThat(OrbPolicy.parse(" ON ", Set.of()).mode()).isEqualTo(OrbPolicy.Mode.ON);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OrbPolicy.parse("sometimes", Set.of()))
        .hasMessage("orb registry policy \"sometimes\" is not one of off, allow-listed, on");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OrbPolicy.parse("allow-listed", Set.of()))
        .hasMessageContaining("needs at least one orb namespace");
  }

  /** An in-memory cache recording what was saved. */
  static final class MapCache implements OrbCache {
    final Map<String, Map<String, String>> orbs = new HashMap<>();
    final java.util.List<String> saved = new java.util.ArrayList<>();

    void put(String ns, String name, String version, String source) {
      orbs.computeIfAbsent(ns + "/" + name, k -> new TreeMap<>()).put(version, source);
    }

    @Override
    public Map<String, String> versions(String namespace, String name) {
      return orbs.getOrDefault(namespace + "/" + name, Map.of());
    }

    @Override
    public void save(OrbRegistryClient.Release r) {
      saved.add(r.ref());
      put(r.namespace(), r.name(), r.version(), r.source());
    }

    @Override
    public String howToVendor(String namespace, String name, String version) {
      return "vendor " + namespace + "/" + name + "@" + version + " by hand";
    }
  }
}
