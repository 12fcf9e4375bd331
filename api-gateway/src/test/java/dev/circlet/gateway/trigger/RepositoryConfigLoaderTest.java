package dev.circlet.gateway.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a config from a git repository at a revision, over file://, with real git. */
class RepositoryConfigLoaderTest {
  @TempDir
  Path repo;

  String git(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out.strip();
  }

  String commit(String config) throws Exception {
    Files.createDirectories(repo.resolve(".circleci"));
    Files.writeString(repo.resolve(".circleci/config.yml"), config);
    Files.writeString(repo.resolve("big.bin"), "x".repeat(100_000));
    git("add", "-A");
    git("commit", "-q", "-m", "config");
    return git("rev-parse", "HEAD");
  }

  @Test
  void reads_the_config_of_each_revision_and_says_when_there_is_none() throws Exception {
    git("init", "-q", "-b", "main");
    String first = commit("version: 2.1 # first\n");
    String second = commit("version: 2.1 # second\n");
    RepositoryConfigLoader loader = new RepositoryConfigLoader(null, 60);
    String url = "file://" + repo;
    assertThat(loader.fetch(url, first, ".circleci/config.yml", null)).isEqualTo("version: 2.1 # first\n");
    assertThat(loader.fetch(url, second, ".circleci/config.yml", null)).isEqualTo("version: 2.1 # second\n");
    assertThatThrownBy(() -> loader.fetch(url, second, ".circleci/other.yml", null))
        .isInstanceOf(ConfigLoader.ConfigNotFoundException.class).hasMessageContaining(".circleci/other.yml");
    assertThatThrownBy(() -> loader.fetch("file://" + repo.resolve("missing"), second, ".circleci/config.yml", null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("git fetch failed");
  }

  @Test
  void a_revision_that_looks_like_an_option_is_refused() throws IOException {
    var p = DeliveryFlowTest.pipeline("app", "file://" + repo, null);
    assertThatThrownBy(() -> new RepositoryConfigLoader(null, 60).load(p, "--upload-pack=touch /tmp/x"))
        .isInstanceOf(ConfigLoader.ConfigNotFoundException.class);
  }
}
