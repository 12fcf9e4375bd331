package dev.circlet.gateway.api;

import static dev.circlet.gateway.api.ApiV1Test.JSON;
import static dev.circlet.gateway.api.ApiV1Test.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Sign-in by an authenticating proxy's header on the booted gateway, with this test standing as the
 * trusted proxy on loopback: the header signs a mapped user into their Organization with the
 * granted scopes, an unmapped user is 403, a forged proxy credential is 401 even with the header,
 * a bearer token still wins, and the proxy user sees only their Organization's objects.
 */
@Tag("services")
@QuarkusTest
@TestProfile(ProxySignInGatewayTest.ProxyMode.class)
@QuarkusTestResource(value = GatewayServices.class, restrictToAnnotatedClass = true)
class ProxySignInGatewayTest {
  /** The gateway behind a proxy on loopback that sets X-Forwarded-User. */
  public static class ProxyMode implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("circlet.gateway.proxy-auth.header", "X-Forwarded-User",
          "circlet.gateway.proxy-auth.trusted-proxies", "127.0.0.1,::1",
          "circlet.gateway.proxy-auth.users", "alice@acme.example=acme,*@globex.example=globex",
          "circlet.gateway.proxy-auth.scopes", "read");
    }
  }

  @TestHTTPResource("/")
  URI base;

  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void cluster() {
    KubernetesClient client = GatewayServices.client();
    ApiV1Test.namespace(client, "acme-ci", "acme");
    ApiV1Test.namespace(client, "globex-ci", "globex");
    client.resource(ApiV1Test.pipeline("acme-ci", "app", "acme")).create();
    client.resource(ApiV1Test.pipeline("globex-ci", "app", "globex")).create();
  }

  @Test
  void a_mapped_user_signs_in_by_the_proxy_header_with_the_granted_scopes_only() throws Exception {
    JsonNode me = JSON.readTree(ok(send("GET", "api/v1/me", "X-Forwarded-User", "alice@acme.example")).body());
    assertThat(me.get("organization").asText()).isEqualTo("acme");
    assertThat(me.get("token").get("name").asText()).isEqualTo("proxy:alice@acme.example");
    assertThat(me.get("token").get("scopes").toString()).isEqualTo("[\"read\"]");
    JsonNode pipelines = JSON.readTree(ok(send("GET", "api/v1/pipelines", "X-Forwarded-User", "alice@acme.example"))
        .body());
    assertThat(pipelines.toString()).contains("acme-ci").doesNotContain("globex-ci");
    assertThat(JSON.readTree(ok(send("GET", "api/v1/me", "X-Forwarded-User", "dora@globex.example")).body())
        .get("organization").asText()).isEqualTo("globex");
    // read only: the operator granted read, so a trigger is 403, and tokens stay with admin tokens
    assertProblem(send("POST", "api/v1/pipelines/acme-ci/app/runs", "X-Forwarded-User", "alice@acme.example",
        "Content-Type", "application/json"), 403);
    assertProblem(send("GET", "api/v1/organizations/acme/tokens", "X-Forwarded-User", "alice@acme.example"), 403);
  }

  @Test
  void unmapped_users_forged_credentials_and_no_header_are_refused() throws Exception {
    assertProblem(send("GET", "api/v1/me", "X-Forwarded-User", "mallory@elsewhere.example"), 403);
    assertProblem(send("GET", "api/v1/me"), 401);
    // A client that writes the internal credential itself gets it removed at the edge.
    assertProblem(send("GET", "api/v1/me", "Authorization", "CircletProxy " + "0".repeat(64) + " alice@acme.example"),
        401);
    // With the proxy's header as well, the forged value is dropped and the proxy's user is who calls.
    JsonNode me = JSON.readTree(ok(send("GET", "api/v1/me", "Authorization", "CircletProxy " + "0".repeat(64)
        + " alice@acme.example", "X-Forwarded-User", "dora@globex.example")).body());
    assertThat(me.get("organization").asText()).isEqualTo("globex");
    // A bearer token is checked as a token: an unknown one is 401 even with a believed header.
    assertProblem(send("GET", "api/v1/me", "Authorization", "Bearer circlet_" + "A".repeat(43),
        "X-Forwarded-User", "alice@acme.example"), 401);
  }

  HttpResponse<String> ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r;
  }

  HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
            : HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
