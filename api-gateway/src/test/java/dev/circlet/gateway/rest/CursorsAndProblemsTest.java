package dev.circlet.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CursorsAndProblemsTest {
  @Test
  void cursors_round_trip_and_belong_to_one_list() {
    String c = Cursors.encode("r", 42);
    assertThat(Cursors.decode("r", c)).isEqualTo(42L);
    assertThat(Cursors.decode("r", null)).isNull();
    assertThat(Cursors.decode("r", "")).isNull();
    String[] bad = {Cursors.encode("d", 42), "%%%", b64("r:x"), b64("r:-1"), b64("r:0"), b64("42"),
        b64("r:99999999999999999999")};
    for (String cursor : bad) {
      assertThatThrownBy(() -> Cursors.decode("r", cursor)).as(cursor).isInstanceOf(ApiProblem.class)
          .hasMessageContaining("cursor");
    }
  }

  @Test
  void limits_default_to_20_and_stay_between_1_and_100() {
    assertThat(Cursors.limit(null)).isEqualTo(20);
    assertThat(Cursors.limit(1)).isEqualTo(1);
    assertThat(Cursors.limit(100)).isEqualTo(100);
    for (int bad : new int[] {0, -1, 101}) {
      assertThatThrownBy(() -> Cursors.limit(bad)).isInstanceOf(ApiProblem.class);
    }
  }

  @Test
  void an_unexpected_error_is_a_problem_without_the_exception() {
    Response r = new Problems().unexpected(new IllegalStateException("password=hunter2 at Foo.java:12"));
    assertThat(r.getStatus()).isEqualTo(500);
    assertThat(r.getMediaType().toString()).isEqualTo("application/problem+json");
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) r.getEntity();
    assertThat(body).containsKeys("type", "title", "status", "detail");
    assertThat(body.toString()).doesNotContain("hunter2").doesNotContain("IllegalStateException")
        .doesNotContain("Foo.java");
  }

  @Test
  void an_unauthorized_problem_names_the_bearer_scheme() {
    Response r = new Problems().problem(ApiProblem.unauthorized("no token"));
    assertThat(r.getStatus()).isEqualTo(401);
    assertThat(r.getHeaderString("WWW-Authenticate")).startsWith("Bearer");
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
