package dev.circlet.kubetest.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ImageMapTest {

  private static final ImageMap MAP = ImageMap.parse("""
      # comment
      ghcr.io/circlet/runner:* = java -cp "/opt/a b.jar" Main
      redis:7* = /usr/bin/redis-server --port 6380

      cimg/* = @host
      """, "images.txt");

  @ParameterizedTest
  @CsvSource({
      "ghcr.io/circlet/runner:0.1.0, java|-cp|/opt/a b.jar|Main",
      "redis:7.2, /usr/bin/redis-server|--port|6380",
      "cimg/base:2024.01, @host",
      "redis:6, -",
      "postgres:16, -",
      "xghcr.io/circlet/runner:1, -",
  })
  void resolvesTheFirstMatchingEntry(String image, String expected) {
    var r = MAP.resolve(image);
    if ("-".equals(expected)) {
      assertThat(r).isEmpty();
    } else if ("@host".equals(expected)) {
      assertThat(r).containsInstanceOf(ImageMap.RunOnHost.class);
    } else {
      assertThat(r).contains(new ImageMap.RunCommand(List.of(expected.split("\\|"))));
    }
  }

  @Test
  void fallbackComesAfter() {
    ImageMap first = ImageMap.parse("redis:* = /a", "first");
    ImageMap second = ImageMap.parse("redis:* = /b\npg:* = /c", "second");
    ImageMap both = first.then(second);
    assertThat(both.resolve("redis:1")).contains(new ImageMap.RunCommand(List.of("/a")));
    assertThat(both.resolve("pg:1")).contains(new ImageMap.RunCommand(List.of("/c")));
    assertThat(both.source()).isEqualTo("first, then second");
  }

  @Test
  void badLinesNameFileAndLine() {
    assertThatThrownBy(() -> ImageMap.parse("ok:* = /x\nno equals sign", "f.txt"))
        .hasMessageContaining("f.txt:2").hasMessageContaining("image-pattern = command");
    assertThatThrownBy(() -> ImageMap.parse("x = ", "f.txt")).hasMessageContaining("f.txt:1");
    assertThatThrownBy(() -> ImageMap.parse("x = \"open", "f.txt")).hasMessageContaining("unterminated quote");
  }
}
