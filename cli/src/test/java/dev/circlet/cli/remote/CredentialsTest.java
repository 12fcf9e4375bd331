package dev.circlet.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where the credentials live, which source wins, and which gateway URLs are accepted, as tables. */
class CredentialsTest {
  @TempDir
  Path home;

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      "-,               .config/circlet/credentials.json",
      "'',              .config/circlet/credentials.json",
      "relative/dir,    .config/circlet/credentials.json",
      "/xdg,            /xdg/circlet/credentials.json",
  })
  void the_file_follows_xdg_config_home(String xdg, String expected) {
    Map<String, String> env = new HashMap<>();
    if (xdg != null) {
      env.put("XDG_CONFIG_HOME", xdg);
    }
    assertThat(Credentials.file(env, home)).isEqualTo(home.resolve(expected));
  }

  @ParameterizedTest
  @CsvSource({
      "https://ci.example.com/,           https://ci.example.com",
      "http://127.0.0.1:8080,             http://127.0.0.1:8080",
      "' https://ci.example.com/circlet//', https://ci.example.com/circlet",
  })
  void urls_are_normalised(String url, String expected) {
    assertThat(Credentials.normalise(url)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"ftp://ci.example.com", "ci.example.com", "https://u:p@ci.example.com", "https://ci.example.com/?a=b",
      "https://ci.example.com/#x", "https://"})
  void other_urls_are_refused(String url) {
    assertThatThrownBy(() -> Credentials.normalise(url)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_environment_wins_field_by_field_and_nothing_at_all_is_a_clear_error() {
    new Credentials("https://file.example.com", "circlet_file").save(Map.of(), home);
    assertThat(Credentials.resolve(Map.of(), home)).isEqualTo(new Credentials("https://file.example.com", "circlet_file"));
    assertThat(Credentials.resolve(Map.of(Credentials.ENV_TOKEN, "circlet_env"), home))
        .isEqualTo(new Credentials("https://file.example.com", "circlet_env"));
    assertThat(Credentials.resolve(Map.of(Credentials.ENV_URL, "https://env.example.com"), home).url())
        .isEqualTo("https://env.example.com");
    assertThat(new Credentials("https://x", "circlet_secret").toString()).doesNotContain("circlet_secret");
    assertThatThrownBy(() -> Credentials.resolve(Map.of(), home.resolve("nobody")))
        .hasMessageContaining("circlet login");
  }
}
