package dev.circlet.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.gateway.ui.WebUiPaths.Answer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebUiPathsTest {
  @ParameterizedTest
  @CsvSource({
      "GET, /ui, REDIRECT",
      "HEAD, /ui, REDIRECT",
      "GET, /ui/, INDEX",
      "GET, /ui/index.html, FILE",
      "GET, /ui/runs/run-42, INDEX",
      "GET, /ui/builds/team/shop-42-ci-build, INDEX",
      "GET, /ui/queue, INDEX",
      "GET, /ui/assets/index-abc.js, FILE",
      "GET, /ui/assets/chunk, FILE",
      "GET, /ui/favicon.ico, FILE",
      "POST, /ui/runs/run-42, FILE",
      "GET, /uiother, NOT_UI",
      "GET, /api/v1/runs, NOT_UI",
      "GET, /, NOT_UI",
  })
  void answers(String method, String path, Answer expected) {
    assertThat(WebUiPaths.answer(method, path)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void the_policy_allows_only_the_gateway_itself() {
    assertThat(WebUiPaths.SECURITY_HEADERS.get("Content-Security-Policy"))
        .contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "*");
  }
}
