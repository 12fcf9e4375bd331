package dev.circlet.gateway.api;

import static dev.circlet.gateway.api.ApiV1Test.JSON;
import static dev.circlet.gateway.api.ApiV1Test.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.gateway.webhook.WebhookSignatures;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The booted gateway with real PostgreSQL, RabbitMQ and S3Proxy: signed GitHub push and pull
 * request webhooks leave the commit subject, author, actor and PR number on the run and fill
 * {@code pipeline.git.commit.body}, {@code .url} and {@code pipeline.project.slug}; matrix instances
 * carry their matrix's alias as their group in workflow and build reads; an artifact's URL
 * streams its bytes from object storage to its organization only.
 */
@Tag("services")
@QuarkusTest
@QuarkusTestResource(value = StorageServices.class, restrictToAnnotatedClass = true)
class TriggerDetailsAndArtifactsTest {
  static final String CONFIG = """
      version: 2.1
      jobs:
        test:
          parameters: {v: {type: string}}
          docker: [{image: cimg/base:stable}]
          steps:
            - run: echo "v<< parameters.v >> [<< pipeline.git.commit.body >>] [<< pipeline.git.commit.url >>] [<< pipeline.project.slug >>]"
      workflows:
        main:
          jobs:
            - test: {matrix: {alias: tests, parameters: {v: ["1", "2"]}}}
      """;
  static final String PUSH = """
      {"ref":"refs/heads/main","after":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
       "before":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
       "repository":{"clone_url":"https://github.com/acme/shop.git"},"sender":{"login":"ada-login"},
       "head_commit":{"message":"Fix the build\\n\\nWhy it broke","url":"https://github.com/acme/shop/commit/aaaa",
         "author":{"name":"Ada Lovelace","email":"ada@example.com"}}}""";
  static final String PULL_REQUEST = """
      {"action":"opened","number":7,"repository":{"clone_url":"https://github.com/acme/shop.git"},
       "sender":{"login":"grace-login"},
       "pull_request":{"number":7,"title":"Add the matrix","body":"Longer text","user":{"login":"grace"},
         "head":{"sha":"cccccccccccccccccccccccccccccccccccccccc","ref":"feature/matrix"},
         "base":{"sha":"dddddddddddddddddddddddddddddddddddddddd"}}}""";

  @TestHTTPResource("/")
  URI base;

  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void webhook_runs_keep_their_commit_details_matrix_groups_show_and_artifacts_download() throws Exception {
    KubernetesClient client = GatewayServices.client();
    ApiV1Test.namespace(client, "acme-ci", "acme");
    ApiV1Test.namespace(client, "globex-ci", "globex");
    client.resource(new SecretBuilder().withNewMetadata().withName("hook").withNamespace("acme-ci").endMetadata()
        .withData(Map.of("key", GatewayAppTest.b64("hook-key"))).build()).create();
    Pipeline p = ApiV1Test.pipeline("acme-ci", "shop", "acme");
    p.getSpec().repository.provider = "github";
    p.getSpec().repository.webhookSecretRef = "hook";
    p.getSpec().config = CONFIG;
    client.resource(p).create();
    String admin = token("acme", GatewayServices.BOOTSTRAP, "admin");
    String read = token("acme", admin, "read");
    String globex = token("globex", token("globex", GatewayServices.BOOTSTRAP, "admin"), "read");

    // The Pipeline informer may still be syncing: a 202 comes once the webhook Secret is known.
    deliver("push", "push-1", PUSH);
    deliver("pull_request", "pr-1", PULL_REQUEST);
    await().atMost(Duration.ofSeconds(120)).until(() -> runs(read).stream()
        .filter(r -> r.get("status").asText().equals("created")).count() == 2);
    JsonNode push = runs(read).stream().filter(r -> "main".equals(r.get("branch").asText())).findFirst().orElseThrow();
    JsonNode pr = runs(read).stream().filter(r -> "feature/matrix".equals(r.get("branch").asText())).findFirst()
        .orElseThrow();
    assertThat(push.get("commitSubject").asText()).isEqualTo("Fix the build");
    assertThat(push.get("commitAuthorName").asText()).isEqualTo("Ada Lovelace");
    assertThat(pr.get("prNumber").asInt()).isEqualTo(7);

    JsonNode pushTrigger = get("api/v1/runs/" + push.get("id").asLong(), read).get("trigger");
    assertThat(pushTrigger.get("subject").asText()).isEqualTo("Fix the build");
    assertThat(pushTrigger.get("author").asText()).isEqualTo("Ada Lovelace");
    assertThat(pushTrigger.get("authorEmail").asText()).isEqualTo("ada@example.com");
    assertThat(pushTrigger.get("actor").asText()).isEqualTo("ada-login");
    assertThat(pushTrigger.get("prNumber").isNull()).isTrue();
    JsonNode prTrigger = get("api/v1/runs/" + pr.get("id").asLong(), read).get("trigger");
    assertThat(prTrigger.get("subject").asText()).isEqualTo("Add the matrix");
    assertThat(prTrigger.get("author").asText()).isEqualTo("grace");
    assertThat(prTrigger.get("actor").asText()).isEqualTo("grace-login");
    assertThat(prTrigger.get("prNumber").asLong()).isEqualTo(7);

    // pipeline.git.commit.body, .url and pipeline.project.slug reach the compiled steps
    String wfName = Names.workflow("shop", push.get("number").asLong(), "main");
    Workflow wf = client.resources(Workflow.class).inNamespace("acme-ci").withName(wfName).get();
    assertThat(JSON.writeValueAsString(wf.getSpec().jobs))
        .contains("[Why it broke] [https://github.com/acme/shop/commit/aaaa] [gh/acme/shop]");
    List<String> jobNames = wf.getSpec().jobs.stream().map(j -> j.name).toList();
    assertThat(jobNames).hasSize(2);
    JsonNode jobs = get("api/v1/workflows/acme-ci/" + wfName, read).get("jobs");
    assertThat(jobs).hasSize(2);
    jobs.forEach(j -> assertThat(j.get("group").asText()).as(j.toString()).isEqualTo("tests"));

    Build build = ApiArchiveTest.build("acme-ci", "shop-test-1", "acme", wfName, jobNames.get(0),
        BuildPhase.Succeeded, null);
    ApiArchiveTest.create(client, build);
    String uid = client.resources(Build.class).inNamespace("acme-ci").withName("shop-test-1").get().getMetadata()
        .getUid();
    // the archive records the Workflow and the Build as the informers see them
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      HttpResponse<String> r = send("GET", "api/v1/builds/acme-ci/shop-test-1", read);
      return r.statusCode() == 200 && "tests".equals(JSON.readTree(r.body()).path("group").asText(null));
    });

    // Artifacts: recorded by the runner API (V10 rows), their bytes in object storage.
    byte[] big = new byte[3 << 20];
    new Random(7).nextBytes(big);
    byte[] text = "all tests passed\n".getBytes(StandardCharsets.UTF_8);
    StorageServices.store.put("artifacts/" + uid + "/dist/app.bin", big);
    StorageServices.store.put("artifacts/" + uid + "/report/a b.txt", text);
    StorageServices.store.put("artifacts/" + uid + "/report/index.html", "<script>x</script>".getBytes());
    try (Connection c = GatewayServices.pg.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO artifacts (build_uid, path, size_bytes, storage_key) VALUES (?, ?, ?, ?)")) {
      Object[][] rows = {{"dist/app.bin", (long) big.length, "artifacts/" + uid + "/dist/app.bin"},
          {"report/a b.txt", (long) text.length, "artifacts/" + uid + "/report/a b.txt"},
          {"report/index.html", 18L, "artifacts/" + uid + "/report/index.html"},
          {"lost.bin", 5L, "artifacts/" + uid + "/lost.bin"}};
      for (Object[] r : rows) {
        ps.setString(1, uid);
        ps.setString(2, (String) r[0]);
        ps.setLong(3, (Long) r[1]);
        ps.setString(4, (String) r[2]);
        ps.executeUpdate();
      }
    }
    List<String> urls = new ArrayList<>();
    get("api/v1/builds/acme-ci/shop-test-1/artifacts", read).get("items").forEach(a -> urls.add(a.get("url").asText()));
    assertThat(urls).containsExactly("/api/v1/builds/acme-ci/shop-test-1/artifacts/dist/app.bin",
        "/api/v1/builds/acme-ci/shop-test-1/artifacts/lost.bin",
        "/api/v1/builds/acme-ci/shop-test-1/artifacts/report/a%20b.txt",
        "/api/v1/builds/acme-ci/shop-test-1/artifacts/report/index.html");

    HttpResponse<byte[]> bin = download(urls.get(0), read);
    assertThat(bin.statusCode()).isEqualTo(200);
    assertThat(bin.body()).isEqualTo(big);
    assertThat(bin.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/octet-stream");
    assertThat(bin.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment; filename=\"app.bin\"");
    HttpResponse<byte[]> txt = download(urls.get(2), read);
    assertThat(txt.statusCode()).isEqualTo(200);
    assertThat(txt.body()).isEqualTo(text);
    assertThat(txt.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    // job-written HTML is never rendered on the API's origin
    HttpResponse<byte[]> html = download(urls.get(3), read);
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/octet-stream");
    assertThat(html.headers().firstValue("X-Content-Type-Options").orElse("")).isEqualTo("nosniff");

    // another organization, no token, a path the Build did not upload, an object gone from storage
    assertProblem(asString(download(urls.get(0), globex)), 404);
    assertThat(download(urls.get(0), null).statusCode()).isEqualTo(401);
    assertProblem(asString(download("/api/v1/builds/acme-ci/shop-test-1/artifacts/dist/other.bin", read)), 404);
    assertThat(download("/api/v1/builds/acme-ci/shop-test-1/artifacts/dist/..%2F..%2Fapp.bin", read).statusCode())
        .isIn(400, 404);
    assertProblem(asString(download(urls.get(1), read)), 404);
    assertProblem(asString(download("/api/v1/builds/globex-ci/shop-test-1/artifacts/dist/app.bin", globex)), 404);
  }

  private void deliver(String event, String id, String payload) {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    HttpRequest req = HttpRequest.newBuilder(base.resolve("webhooks/github")).timeout(Duration.ofSeconds(60))
        .header("X-GitHub-Event", event).header("X-GitHub-Delivery", id)
        .header("X-Hub-Signature-256", WebhookSignatures.sign("hook-key".getBytes(StandardCharsets.UTF_8), body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
        http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 202);
  }

  private List<JsonNode> runs(String token) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    get("api/v1/runs?pipeline=acme-ci/shop", token).get("items").forEach(out::add);
    return out;
  }

  private HttpResponse<byte[]> download(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.substring(1))).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<String> asString(HttpResponse<byte[]> r) {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    return new HttpResponse<>() {
      public int statusCode() {
        return r.statusCode();
      }

      public HttpRequest request() {
        return r.request();
      }

      public java.util.Optional<HttpResponse<String>> previousResponse() {
        return java.util.Optional.empty();
      }

      public java.net.http.HttpHeaders headers() {
        return r.headers();
      }

      public String body() {
        return body;
      }

      public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
        return r.sslSession();
      }

      public URI uri() {
        return r.uri();
      }

      public HttpClient.Version version() {
        return r.version();
      }
    };
  }

  private JsonNode get(String path, String token) throws Exception {
    HttpResponse<String> r = send("GET", path, token);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> send(String method, String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String token(String org, String auth, String scope) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("api/v1/organizations/" + org + "/tokens"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + auth)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + scope + "-token\",\"scopes\":[\"" + scope + "\"]}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("token").asText();
  }
}
