package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageToolsTest {
  @Test
  void machineJobsRunInThisShellWithTheLocalDockerCliWhenThereIsOne() {
    String notice = new ImageTools().machineNotice("ubuntu-2204:current");
    assertThat(notice).startsWith(
        "machine executor image ubuntu-2204:current is not started; the steps run in this machine's shell");
    // Whether this machine has a docker CLI is not the test's to choose: either answer is named.
    assertThat(notice).matches(".*(with the Docker CLI at /.+"
        + "|; no Docker CLI found \\(.*\\): steps that use docker will fail)");
  }

  @Test
  void machineJobWithoutAnImageIsStillNamed() {
    assertThat(new ImageTools().machineNotice(null)).startsWith("machine executor is not started;");
  }

  @Test
  void imageToolsAreReadFromImageNames() {
    assertThat(ImageTools.toolOf("cimg/node:16.20")).map(ImageTools.Tool::name).hasValue("node");
    assertThat(ImageTools.tag("cimg/node:16.20")).isEqualTo("16.20");
  }
}
