package dev.circlet.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.gateway.api.GatewayServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway serves the web UI jar under /ui: page routes answer with index.html, the
 * hashed assets as they are, missing files 404, and every UI answer carries the security headers.
 */
@Tag("services")
@QuarkusTest
@QuarkusTestResource(value = GatewayServices.class, restrictToAnnotatedClass = true)
class WebUiServingTest {
  @TestHTTPResource("/")
  URI base;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pages_fall_back_to_index_and_assets_are_served_with_the_security_headers() throws Exception {
    HttpResponse<String> index = get("/ui/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<div id=\"app\"></div>");
    assertThat(index.headers().firstValue("Content-Security-Policy")).hasValue(
        WebUiPaths.SECURITY_HEADERS.get("Content-Security-Policy"));
    assertThat(index.headers().firstValue("X-Frame-Options")).hasValue("DENY");

    for (String page : new String[] {"/ui/runs/run-42", "/ui/builds/team/shop-42-ci-build", "/ui/queue"}) {
      HttpResponse<String> r = get(page);
      assertThat(r.statusCode()).as(page).isEqualTo(200);
      assertThat(r.body()).as(page).isEqualTo(index.body());
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(page).isPresent();
    }

    Matcher script = Pattern.compile("src=\"(/ui/assets/[^\"]+\\.js)\"").matcher(index.body());
    assertThat(script.find()).isTrue();
    HttpResponse<String> js = get(script.group(1));
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type").orElse("")).contains("javascript");
    assertThat(js.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

    assertThat(get("/ui/assets/missing-0000.js").statusCode()).isEqualTo(404);
    HttpResponse<String> bare = http.send(HttpRequest.newBuilder(base.resolve("/ui")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.headers().firstValue("Location").orElse("")).endsWith("/ui/");
  }

  @Test
  void api_paths_are_not_answered_by_the_ui() throws Exception {
    HttpResponse<String> r = get("/api/v1/no-such-path");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
    assertThat(r.headers().firstValue("Content-Security-Policy")).isEmpty();
  }
}
