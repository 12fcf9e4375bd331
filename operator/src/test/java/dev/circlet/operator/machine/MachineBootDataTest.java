package dev.circlet.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.api.v1alpha1.MachinePool;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MachineBootDataTest {
  static MachinePool pool(String name) {
    MachinePool p = new MachinePool();
    p.getMetadata().setName(name);
    return p;
  }

  static String decoded(String userData, int entry) {
    String line = userData.lines().filter(l -> l.startsWith("  content: ")).skip(entry).findFirst().orElseThrow();
    return new String(Base64.getDecoder().decode(line.substring("  content: ".length())), StandardCharsets.UTF_8);
  }

  @Test
  void warmVmLearnsItsPoolAndAKeyOfItsOwnAndNothingElse() {
    String a = MachineBootData.warm(pool("small"));
    String b = MachineBootData.warm(pool("small"));
    assertThat(a).startsWith("#cloud-config\n").contains("path: /etc/circlet/machine.env");
    String settings = decoded(a, 0);
    assertThat(settings).startsWith("CIRCLET_MACHINE_POOL=small\nCIRCLET_MACHINE_KEY=");
    assertThat(settings.lines()).hasSize(2);
    assertThat(MachineBootData.key(a)).isPresent().get().asString().hasSize(64);
    assertThat(MachineBootData.key(a)).as("every VM has its own key").isNotEqualTo(MachineBootData.key(b));
  }

  @Test
  void vmBootedForABuildCarriesItsJobAndNoKey() {
    String jobJson = "{\"build\":\"b\",\"job\":{\"name\":\"x\"}}\n- path: /etc/evil\n";
    String u = MachineBootData.forBuild(pool("small"), jobJson);
    assertThat(decoded(u, 0)).isEqualTo("CIRCLET_MACHINE_POOL=small\nCIRCLET_JOB_FILE=/etc/circlet/build/job.json\n");
    assertThat(decoded(u, 1)).as("content cannot break out of the YAML").isEqualTo(jobJson);
    assertThat(u).doesNotContain("/etc/evil");
    assertThat(MachineBootData.key(u)).isEmpty();
  }

  @Test
  void gatewayAddressIsInEveryVmsSettingsAndTheTokenOnlyInABuildsUserData() {
    String warm = MachineBootData.warm(pool("small"), "gateway.circlet:9090", true);
    assertThat(decoded(warm, 0)).startsWith("CIRCLET_MACHINE_POOL=small\nCIRCLET_GATEWAY=gateway.circlet:9090\n"
        + "CIRCLET_GATEWAY_PLAINTEXT=true\nCIRCLET_MACHINE_KEY=");
    assertThat(MachineBootData.key(warm)).isPresent();
    String cold = MachineBootData.withToken(MachineBootData.forBuild(pool("small"), "{}", "gw:443", false), "h.p.s");
    assertThat(decoded(cold, 0)).isEqualTo("CIRCLET_MACHINE_POOL=small\nCIRCLET_GATEWAY=gw:443\n"
        + "CIRCLET_JOB_FILE=/etc/circlet/build/job.json\n");
    assertThat(decoded(cold, 2)).isEqualTo("h.p.s");
    assertThat(cold).contains("path: /etc/circlet/build/token");
    assertThat(MachineBootData.withToken("x", null)).isEqualTo("x");
    assertThatThrownBy(() -> MachineBootData.warm(pool("small"), "gw:1\nCIRCLET_MACHINE_KEY=evil", false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not host:port");
  }

  @Test
  void tokenLifetimeCoversTheBuildsTimeoutAndTheBoot() {
    assertThat(MachineIdentity.lifetimeSeconds(null, null)).isEqualTo(3600 + 600 + 600);
    assertThat(MachineIdentity.lifetimeSeconds(7200L, 120L)).isEqualTo(7200 + 120 + 600);
    assertThat(MachineIdentity.lifetimeSeconds(1L, 1L)).isEqualTo(602);
    assertThat(MachineIdentity.secretName("pool-abcde", "uid-1")).isEqualTo("pool-abcde-id-uid-1");
  }

  @Test
  void poolNameThatIsNoObjectNameIsRefused() {
    assertThatThrownBy(() -> MachineBootData.warm(pool("Bad\nName"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Kubernetes object name");
  }
}
