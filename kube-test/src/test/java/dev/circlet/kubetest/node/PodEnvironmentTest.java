package dev.circlet.kubetest.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodEnvironmentTest {

  private static final PodEnvironment.Lookup LOOKUP = new PodEnvironment.Lookup() {
    @Override
    public Map<String, String> secret(String ns, String name) {
      return "s".equals(name) ? Map.of("password", "hunter2", "user", "bob") : null;
    }

    @Override
    public Map<String, String> configMap(String ns, String name) {
      return "cm".equals(name) ? Map.of("mode", "fast") : null;
    }
  };

  private static final Pod POD = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u-1")
      .withLabels(Map.of("app", "x")).endMetadata()
      .withNewSpec().withNodeName("node-1").withServiceAccountName("sa").endSpec().build();

  @Test
  void resolvesValuesReferencesAndSourcesInOrder() throws Exception {
    Container c = new ContainerBuilder().withName("c")
        .addNewEnvFrom().withPrefix("S_").withNewSecretRef("s", false).endEnvFrom()
        .addNewEnvFrom().withNewConfigMapRef("cm", false).endEnvFrom()
        .addNewEnv().withName("NAME").withNewValueFrom().withNewFieldRef(null, "metadata.name").endValueFrom().endEnv()
        .addNewEnv().withName("NODE").withNewValueFrom().withNewFieldRef(null, "spec.nodeName").endValueFrom().endEnv()
        .addNewEnv().withName("APP").withNewValueFrom().withNewFieldRef(null, "metadata.labels['app']").endValueFrom()
        .endEnv()
        .addNewEnv().withName("IP").withNewValueFrom().withNewFieldRef(null, "status.podIP").endValueFrom().endEnv()
        .addNewEnv().withName("PW").withNewValueFrom().withNewSecretKeyRef("password", "s", false).endValueFrom()
        .endEnv()
        .addNewEnv().withName("MODE").withNewValueFrom().withNewConfigMapKeyRef("mode", "cm", false).endValueFrom()
        .endEnv()
        .addNewEnv().withName("GONE").withNewValueFrom().withNewSecretKeyRef("x", "missing", true).endValueFrom()
        .endEnv()
        .addNewEnv().withName("MSG").withValue("$(NAME) on $(NODE) costs $$(NAME) and $(UNDEFINED)").endEnv()
        .addNewEnv().withName("MEM").withNewValueFrom().withNewResourceFieldRef().withDivisor(new Quantity("1Mi"))
            .withResource("limits.memory").endResourceFieldRef().endValueFrom().endEnv()
        .withNewResources().withLimits(Map.of("memory", new Quantity("64Mi"))).endResources()
        .build();
    Map<String, String> env = new PodEnvironment(LOOKUP).resolve(POD, c, "127.0.0.1");
    assertThat(env).containsEntry("S_password", "hunter2").containsEntry("S_user", "bob")
        .containsEntry("mode", "fast").containsEntry("NAME", "p").containsEntry("NODE", "node-1")
        .containsEntry("APP", "x").containsEntry("IP", "127.0.0.1").containsEntry("PW", "hunter2")
        .containsEntry("MODE", "fast").doesNotContainKey("GONE")
        .containsEntry("MSG", "p on node-1 costs $(NAME) and $(UNDEFINED)").containsEntry("MEM", "64");
  }

  @Test
  void missingRequiredReferencesSayWhat() {
    Container missingSecret = new ContainerBuilder().withName("c").addNewEnv().withName("X").withNewValueFrom()
        .withNewSecretKeyRef("k", "nope", false).endValueFrom().endEnv().build();
    assertThatThrownBy(() -> new PodEnvironment(LOOKUP).resolve(POD, missingSecret, "h"))
        .hasMessage("secret \"nope\" not found");
    Container missingKey = new ContainerBuilder().withName("c").addNewEnv().withName("X").withNewValueFrom()
        .withNewSecretKeyRef("nokey", "s", false).endValueFrom().endEnv().build();
    assertThatThrownBy(() -> new PodEnvironment(LOOKUP).resolve(POD, missingKey, "h"))
        .hasMessage("couldn't find key nokey in secret s");
  }
}
