package dev.circlet.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.config.orbs.FakeOrbRegistry;
import dev.circlet.config.orbs.OrbPolicy;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.config.orbs.OrbRegistrySettings;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.reconciler.PipelineReconciler;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registry orbs resolved by the operator on the real API server: fetched under the policy, cached
 * as ConfigMaps in the operator's namespace, recorded with their exact version on the Pipeline,
 * pinned while the spec is unchanged, and served from the cache when the registry is down.
 */
@KubeCluster
class OrbRegistryOnApiServerTest {
  private static final String NS = "orb-pipelines";
  private static final String ORB_NS = OperatorSettings.DEFAULT_OPERATOR_NAMESPACE;
  private static final String HELLO = "version: 2.1\ncommands: {hello: {steps: [{run: echo hello-%s}]}}\n";

  private static KubernetesClient client;
  private static OperatorHarness harness;
  private static FakeOrbRegistry registry;

  @BeforeAll
  static void start(KubeControlPlane cp) throws Exception {
    ClusterFixture.install(cp);
    client = cp.newClient();
    cp.createNamespace(NS);
    OperatorHarness.bind(client, NS, "acme");
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ORB_NS).endMetadata().build())
        .createOr(existing -> existing.update());
    registry = new FakeOrbRegistry()
        .publish("acme/hello@1.0.0", HELLO.formatted("1.0.0"))
        .publish("acme/hello@1.1.0", HELLO.formatted("1.1.0"))
        .publish("other/tool@1.0.0", HELLO.formatted("other"));
    harness = new OperatorHarness(client, OperatorSettings.defaults())
        .withOrbRegistry(new OrbRegistrySettings(registry.endpoint(), OrbPolicy.parse("allow-listed", Set.of("acme")),
            Duration.ofSeconds(10)))
        .start();
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (client != null) {
      client.close();
    }
  }

  static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200));
  }

  @Test
  void anAllowedOrbIsFetchedCachedPinnedAndServedFromTheCacheWhenTheRegistryIsDown() {
    client.resource(pipeline("uses-hello", "acme/hello@1", "")).create();
    eventually().alias("ConfigValid=True with acme/hello@1 -> 1.1.0 recorded").until(() ->
        "True".equals(status(configValid("uses-hello")))
            && Map.of("acme/hello@1", "1.1.0").equals(pipeline("uses-hello").getStatus().orbs));
    ConfigMap cached = client.configMaps().inNamespace(ORB_NS).withName("orb-acme-hello-1-1-0").get();
    assertThat(cached.getMetadata().getLabels())
        .containsEntry(CircletApi.LABEL_ORB_NAMESPACE, "acme")
        .containsEntry(CircletApi.LABEL_ORB_NAME, "hello")
        .containsEntry(dev.circlet.config.orbs.OrbMapStore.LABEL_ORB_CACHED, "true");
    assertThat(cached.getData()).containsOnlyKeys("1.1.0.yml");

    // A newer release is taken when the config changes (an unchanged spec keeps its pins:
    // CachingOrbStoreTest), and @1 resolves again, to the newest 1.x.
    registry.publish("acme/hello@1.2.0", HELLO.formatted("1.2.0"));
    client.resources(Pipeline.class).inNamespace(NS).withName("uses-hello")
        .edit(p -> {
          p.getSpec().config = p.getSpec().config + "# changed\n";
          return p;
        });
    eventually().alias("a changed spec resolves @1 again, to 1.2.0").until(() ->
        Map.of("acme/hello@1", "1.2.0").equals(pipeline("uses-hello").getStatus().orbs));
    assertThat(pipeline("uses-hello").getStatus().orbs).containsEntry("acme/hello@1", "1.2.0");

    // With the registry gone, an exact version cached earlier still compiles.
    registry.close();
    client.resource(pipeline("offline", "acme/hello@1.1.0", "")).create();
    eventually().alias("ConfigValid=True from the cache alone").until(() ->
        "True".equals(status(configValid("offline"))));
    assertThat(pipeline("offline").getStatus().orbs).containsEntry("acme/hello@1.1.0", "1.1.0");
  }

  @Test
  void anOrbThePolicyDeniesIsAnInvalidConfigWithThePolicysReason() {
    client.resource(pipeline("uses-other", "other/tool@1", "")).create();
    eventually().alias("ConfigValid=False naming the policy").until(() -> {
      Condition c = configValid("uses-other");
      return c != null && "False".equals(c.getStatus())
          && c.getMessage().contains("fetches only orbs of acme from the registry, not of other");
    });
    assertThat(client.configMaps().inNamespace(ORB_NS).withLabel(CircletApi.LABEL_ORB_NAMESPACE, "other").list()
        .getItems()).isEmpty();
  }

  private static Pipeline pipeline(String name, String orb, String extra) {
    Pipeline p = new Pipeline();
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace(NS);
    PipelineSpec spec = new PipelineSpec();
    spec.organization = "acme";
    spec.repository = new PipelineSpec.Repository();
    spec.repository.url = "https://git.example.com/acme/" + name + ".git";
    spec.config = """
        version: 2.1
        orbs:
          o: %s
        jobs:
          build:
            docker: [{image: alpine}]
            steps: [o/%s]
        workflows:
          main: {jobs: [build]}
        """.formatted(orb, "hello") + extra;
    p.setSpec(spec);
    return p;
  }

  private static Pipeline pipeline(String name) {
    return client.resources(Pipeline.class).inNamespace(NS).withName(name).get();
  }

  private static Condition configValid(String name) {
    Pipeline p = pipeline(name);
    return p == null || p.getStatus() == null ? null
        : Conditions.find(p.getStatus().conditions, PipelineReconciler.CONFIG_VALID);
  }

  private static String status(Condition c) {
    return c == null ? null : c.getStatus();
  }
}
