package dev.circlet.kubetest.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Taint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessNodeMainTest {

  @Test
  void parsesOptionsAndPutsTheImageFileBeforeTheRunnerEntry(@TempDir Path tmp) throws Exception {
    Path images = Files.writeString(tmp.resolve("images"), "ghcr.io/circlet/runner:* = /my/agent\nredis:* = @host\n");
    ProcessNodeConfig c = ProcessNodeMain.config(ProcessNodeMain.options(new String[] {
        "--kubeconfig", "k", "--name", "n1", "--pool", "process", "--work-dir", tmp.toString(),
        "--images", images.toString(), "--taint", "circlet.dev/process=true:NoSchedule", "--cpu", "2"}));
    assertThat(c.nodeName()).isEqualTo("n1");
    assertThat(c.nodeLabels()).containsEntry("circlet.dev/pool", "process").containsEntry("type", "process");
    assertThat(c.taints()).containsExactly(new Taint("NoSchedule", "circlet.dev/process", null, "true"));
    assertThat(c.cpu()).isEqualTo("2");
    assertThat(c.hostContainers()).containsExactly("primary");
    assertThat(c.imageMap().resolve("ghcr.io/circlet/runner:1"))
        .contains(new ImageMap.RunCommand(List.of("/my/agent")));
    assertThat(c.imageMap().resolve("redis:7")).containsInstanceOf(ImageMap.RunOnHost.class);
    assertThat(c.tokenRefresh()).isEqualTo(TokenRefresh.KUBELET);
  }

  @Test
  void theTokenRefreshPointIsASettingInSecondsOrAnIsoDuration(@TempDir Path tmp) {
    String[] base = {"--kubeconfig", "k", "--name", "n1", "--pool", "p", "--work-dir", tmp.toString()};
    assertThat(ProcessNodeMain.config(ProcessNodeMain.options(with(base, "--token-refresh-after", "30")))
        .tokenRefresh().refreshAfter()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(ProcessNodeMain.config(ProcessNodeMain.options(with(base, "--token-refresh-after", "PT2M")))
        .tokenRefresh().refreshAfter()).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThatThrownBy(() -> ProcessNodeMain.config(ProcessNodeMain.options(with(base, "--token-refresh-after",
        "soon")))).hasMessageContaining("--token-refresh-after");
    assertThatThrownBy(() -> ProcessNodeMain.config(ProcessNodeMain.options(with(base, "--token-refresh-after",
        "0")))).hasMessageContaining("must be positive");
  }

  private static String[] with(String[] base, String... more) {
    String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, out, base.length, more.length);
    return out;
  }

  @Test
  void refusesBadInput() {
    assertThatThrownBy(() -> ProcessNodeMain.config(ProcessNodeMain.options(new String[] {"--name", "n"})))
        .hasMessageContaining("--pool is required");
    assertThatThrownBy(() -> ProcessNodeMain.taint("k=v:Sometimes")).hasMessageContaining("effect");
    assertThatThrownBy(() -> ProcessNodeMain.options(new String[] {"--name"})).hasMessageContaining("--name");
  }
}
