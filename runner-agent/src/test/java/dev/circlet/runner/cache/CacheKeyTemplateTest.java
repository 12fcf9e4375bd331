package dev.circlet.runner.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheKeyTemplateTest {
  @TempDir static Path dir;

  static CacheKeyTemplate.Values values() {
    return new CacheKeyTemplate.Values("feature/x", "abc123", 42, Map.of("NODE", "20"), p -> Files.newInputStream(dir.resolve(p)), 1700000000L,
        "arch1-linux-amd64");
  }

  static Stream<Arguments> templates() {
    return Stream.of(
        Arguments.of("v1-{{ .Branch }}-{{ .Revision }}", "v1-feature/x-abc123"),
        Arguments.of("v1-{{.BuildNum}}-{{ epoch }}", "v1-42-1700000000"),
        Arguments.of("{{ arch }}-node{{ .Environment.NODE }}", "arch1-linux-amd64-node20"),
        Arguments.of("e-{{ .Environment.UNSET }}", "e-<no value>"),
        // base64 SHA-256 of "hello\n"
        Arguments.of("deps-{{ checksum \"lock\" }}", "deps-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="),
        Arguments.of("two-{{ checksum \"lock\" }}{{checksum \"lock\"}}",
            "two-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="),
        Arguments.of("plain", "plain"));
  }

  @ParameterizedTest
  @MethodSource("templates")
  void renders(String template, String expected) throws Exception {
    Files.writeString(dir.resolve("lock"), "hello\n");
    assertThat(CacheKeyTemplate.render(template, values())).isEqualTo(expected);
  }

  @Test
  void unknownActionAndMissingFileAreClearErrors() {
    assertThatThrownBy(() -> CacheKeyTemplate.render("{{ .Nope }}", values()))
        .hasMessage("unknown cache key template action: {{ .Nope }}");
    assertThatThrownBy(() -> CacheKeyTemplate.render("{{ checksum \"absent\" }}", values()))
        .hasMessageStartingWith("checksum: no such file: ");
  }

  @Test
  void archMapsJavaNames() {
    assertThat(CacheKeyTemplate.arch("Linux", "amd64")).isEqualTo("arch1-linux-amd64");
    assertThat(CacheKeyTemplate.arch("Mac OS X", "aarch64")).isEqualTo("arch1-darwin-arm64");
  }
}
