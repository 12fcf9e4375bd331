package dev.circlet.config.orbs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.orbs.OrbMapStore.OrbMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Orbs read from the orb ConfigMaps of one namespace, and the ConfigMap a fetched release is cached in. */
class OrbMapStoreTest {
  static OrbMap orb(String namespace, String name, String orbNamespace, String orbName, Map<String, String> data) {
    return new OrbMap(namespace, name, Map.of(OrbMapStore.LABEL_ORB_NAMESPACE, orbNamespace,
        OrbMapStore.LABEL_ORB_NAME, orbName), data);
  }

  final List<OrbMap> configMaps = List.of(
      orb("circlet-system", "orb-circleci-node", "circleci", "node",
          Map.of("5.0.3.yml", "v503", "5.1.0.yml", "v510", "5.1.2.yml", "v512", "README", "not an orb")),
      orb("circlet-system", "orb-circleci-node-6", "circleci", "node", Map.of("6.0.0.yml", "v600")),
      orb("circlet-system", "orb-acme-toolkit", "acme", "toolkit", Map.of("1.2.3.yml", "toolkit")),
      orb("team-a", "sneaky", "circleci", "python", Map.of("2.0.0.yml", "from a tenant namespace")));
  final OrbMapStore store = new OrbMapStore("circlet-system", configMaps::stream);

  @Test
  void versionsResolveAcrossTheOrbsConfigMapsLikeTheRegistry() {
    record Row(String orb, String version, String expected) {}
    for (Row row : List.of(
        new Row("node", "5.1.0", "v510"),
        new Row("node", "5.1", "v512"),
        new Row("node", "5", "v512"),
        new Row("node", "6", "v600"),
        new Row("node", "volatile", "v600"),
        new Row("node", "5.2", null),
        new Row("node", "README", null))) {
      assertThat(store.source("circleci", row.orb(), row.version()).orElse(null))
          .as(row.orb() + "@" + row.version()).isEqualTo(row.expected());
    }
    assertThat(store.source("acme", "toolkit", "1.2")).contains("toolkit");
    assertThat(store.source("acme", "node", "5")).as("orb namespace must match").isEmpty();
  }

  @Test
  void onlyTheOrbNamespaceCounts() {
    assertThat(store.source("circleci", "python", "2")).isEmpty();
  }

  @Test
  void howToVendorNamesTheConfigMapKeyAndLabels() {
    assertThat(store.howToVendor("circleci", "python", "2.1.4")).isEqualTo(
        "vendor it into namespace circlet-system: circleci orb source circleci/python@2.1.4 > 2.1.4.yml;"
            + " kubectl -n circlet-system create configmap orb-circleci-python --from-file=2.1.4.yml;"
            + " kubectl -n circlet-system label configmap orb-circleci-python"
            + " ci.circlet.dev/orb-namespace=circleci ci.circlet.dev/orb-name=python");
  }

  @Test
  void howToVendorAPartialVersionAsksForAFullReleaseThatFits() {
    // @2.1 resolves to the newest 2.1.x vendored: a file named 2.1.0.yml would be a made-up release
    assertThat(store.howToVendor("circleci", "python", "2.1"))
        .contains("@2.1 uses the newest 2.1.x release vendored")
        .contains("circleci/python@2.1.x > 2.1.x.yml")
        .doesNotContain("2.1.0.yml");
    assertThat(store.howToVendor("circleci", "node", "5")).contains("5.x.y");
  }

  @Test
  void aFetchedReleaseIsSavedAsAConfigMapOfItsOwnThatTheStoreThenServes() {
    List<OrbMap> created = new java.util.ArrayList<>();
    OrbMapStore cache = new OrbMapStore("circlet-system", created::stream, created::add);
    cache.save(new OrbRegistryClient.Release("circleci", "node_js", "5.1.0", "src"));
    assertThat(created).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("orb-circleci-node-js-5-1-0");
      assertThat(m.labels()).containsEntry(OrbMapStore.LABEL_ORB_CACHED, "true")
          .containsEntry(OrbMapStore.LABEL_ORB_NAMESPACE, "circleci").containsEntry(OrbMapStore.LABEL_ORB_NAME, "node_js");
      assertThat(m.data()).containsExactly(Map.entry("5.1.0.yml", "src"));
    });
    assertThat(cache.source("circleci", "node_js", "5")).contains("src");
  }
}
