package dev.circlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrbSearchPathTest {
  @Test
  void flagsThenBesideTheConfigThenTheEnvironment() {
    assertThat(OrbSearchPath.dirs(List.of(Path.of("/a"), Path.of("/b/../c")), Path.of("/p/.circleci/config.yml"),
        "/e1:/e2: :")).containsExactly(Path.of("/a"), Path.of("/c"), Path.of("/p/.circleci/orbs"), Path.of("/e1"),
        Path.of("/e2"));
    assertThat(OrbSearchPath.dirs(List.of(), Path.of("/p/.circleci/config.yml"), null))
        .containsExactly(Path.of("/p/.circleci/orbs"));
    assertThat(OrbSearchPath.dirs(List.of(), Path.of("/p/.circleci/config.yml"), "  "))
        .containsExactly(Path.of("/p/.circleci/orbs"));
  }
}
