package dev.circlet.gateway.orbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.PipelineContext;
import dev.circlet.config.orbs.FakeOrbRegistry;
import dev.circlet.config.orbs.OrbMapStore;
import dev.circlet.config.orbs.OrbPolicy;
import dev.circlet.config.orbs.OrbRegistrySettings;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A repository's config compiled by the gateway finds registry orbs in the orb ConfigMaps, and,
 * where the orb policy allows, fetches the rest and caches them there for the operator and later
 * compiles; a denied orb is an invalid config naming the policy.
 */
@KubeCluster
class ClusterOrbsOnApiServerTest {
  private static final String ORB_NS = "circlet-orbs";
  private static final String CONFIG = """
      version: 2.1
      orbs:
        o: %s
      jobs:
        build:
          docker: [{image: alpine}]
          steps: [o/hello]
      workflows:
        main: {jobs: [build]}
      """;
  private static final String HELLO = "version: 2.1\ncommands: {hello: {steps: [{run: echo %s}]}}\n";

  @Test
  void vendoredOrbsCompileAndAllowedOrbsAreFetchedAndCached(KubeControlPlane cluster) throws Exception {
    cluster.createNamespace(ORB_NS);
    try (KubernetesClient client = cluster.newClient(); FakeOrbRegistry registry = new FakeOrbRegistry()) {
      registry.publish("acme/fetched@2.0.0", HELLO.formatted("fetched"));
      registry.publish("other/tool@1.0.0", HELLO.formatted("other"));
      client.resource(vendored("acme", "vendored", "1.2.3", HELLO.formatted("vendored"))).create();
      OrbRegistrySettings settings = new OrbRegistrySettings(registry.endpoint(),
          OrbPolicy.parse("allow-listed", Set.of("acme")), Duration.ofSeconds(10));
      try (ClusterOrbs orbs = new ClusterOrbs(client, ORB_NS, settings)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> compile(orbs, "acme/vendored@1.2.3").ok());
        assertThat(registry.asked).as("an exact version in the cache is never asked for").isEmpty();
        assertThat(compile(orbs, "acme/vendored@1").errors()).as("a range of a private orb, from the cache").isEmpty();

        CompileResult fetched = compile(orbs, "acme/fetched@2");
        assertThat(fetched.errors()).isEmpty();
        assertThat(fetched.workflow("main").job("build").steps()).extracting(s -> s.command())
            .containsExactly("echo fetched");
        ConfigMap cached = client.configMaps().inNamespace(ORB_NS).withName("orb-acme-fetched-2-0-0").get();
        assertThat(cached.getData()).containsOnlyKeys("2.0.0.yml");
        assertThat(cached.getMetadata().getLabels()).containsEntry(OrbMapStore.LABEL_ORB_CACHED, "true");

        CompileResult denied = compile(orbs, "other/tool@1");
        assertThat(denied.ok()).isFalse();
        assertThat(denied.errors().get(0).message())
            .contains("fetches only orbs of acme from the registry, not of other");
      }
    }
  }

  private static CompileResult compile(ClusterOrbs orbs, String orb) {
    return orbs.get().compile(ConfigSource.of(".circleci/config.yml", CONFIG.formatted(orb)),
        PipelineContext.branch("main"));
  }

  private static ConfigMap vendored(String orbNamespace, String name, String version, String source) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(ORB_NS).withName("orb-" + orbNamespace + "-" + name)
        .addToLabels(OrbMapStore.LABEL_ORB_NAMESPACE, orbNamespace).addToLabels(OrbMapStore.LABEL_ORB_NAME, name)
        .endMetadata().addToData(version + ".yml", source).build();
  }
}
