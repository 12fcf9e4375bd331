package dev.circlet.kubetest.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalRunnerAgentTest {

  @Test
  void podGetsTheContainerPathsUnderItsRootAndItsOwnOptionsWin() {
    assertThat(LocalRunnerAgent.arguments(new String[] {"pod", "--shared", "/r/circlet", "--home", "/mine"}, "/r",
        "/r/home/circleci"))
        .containsExactly("pod", "--home", "/r/home/circleci", "--clone", "/r/etc/circlet/clone", "--contexts",
            "/r/etc/circlet/contexts", "--shared", "/r/circlet", "--home", "/mine");
  }

  @Test
  void otherCommandsPassThrough() {
    String[] install = {"install", "/r/circlet"};
    assertThat(LocalRunnerAgent.arguments(install, "/r", "/h")).isSameAs(install);
    String[] pod = {"pod"};
    assertThat(LocalRunnerAgent.arguments(pod, null, "/h")).isSameAs(pod);
  }

  @Test
  void installedShimWritesTheSummaryUnderTheContainersRoot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    LocalRunnerAgent.install(tmp);
    String shim = java.nio.file.Files.readString(tmp.resolve("bin/circlet-shim"));
    assertThat(shim).contains("[ -w \"${PROCESS_NODE_ROOT:-}/dev/termination-log\" ]")
        .contains(">\"${PROCESS_NODE_ROOT:-}/dev/termination-log\"")
        .doesNotContain(" /dev/termination-log");
  }
}
