package dev.circlet.kubetest.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmRuntimeTest {
  @TempDir
  Path root;

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void writeFilesPutsPlainAndBase64ContentUnderTheVmRoot() throws IOException {
    VmRuntime.writeFiles(root, "#cloud-config\nwrite_files:\n- path: /etc/circlet/machine.env\n  encoding: b64\n"
        + "  content: " + b64("CIRCLET_MACHINE_POOL=p\n") + "\n- path: /etc/motd\n  content: hello\n");
    assertThat(Files.readString(root.resolve("etc/circlet/machine.env"))).isEqualTo("CIRCLET_MACHINE_POOL=p\n");
    assertThat(Files.readString(root.resolve("etc/motd"))).isEqualTo("hello");
  }

  @Test
  void pathsThatLeaveTheVmAreRefused() {
    assertThatThrownBy(() -> VmRuntime.writeFiles(root, "#cloud-config\nwrite_files:\n- path: /etc/../../x\n"
        + "  content: x\n")).isInstanceOf(IOException.class).hasMessageContaining("inside the VM");
    assertThatThrownBy(() -> VmRuntime.writeFiles(root, "#cloud-config\nwrite_files:\n- path: relative\n"
        + "  content: x\n")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> VmRuntime.writeFiles(root, "#!/bin/sh\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("#cloud-config");
  }
}
