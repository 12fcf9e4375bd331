package dev.circlet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.gateway.rest.BuildsResource;
import dev.circlet.gateway.rest.ContinuationResource;
import dev.circlet.gateway.rest.HistoryResource;
import dev.circlet.gateway.rest.PipelineRunsResource;
import dev.circlet.gateway.rest.TokensResource;
import dev.circlet.gateway.rest.WorkflowsResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The REST API v1 of the booted gateway on real PostgreSQL and RabbitMQ: the bootstrap token,
 * scopes, revocation, cross-organization 404s, problem documents, the API trigger through the
 * delivery queue, paging of history, and the OpenAPI document against the resources.
 */
@Tag("services")
@QuarkusTest
@QuarkusTestResource(value = GatewayServices.class, restrictToAnnotatedClass = true)
class ApiV1Test {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CONFIG = """
      version: 2.1
      parameters:
        greeting: {type: string, default: hi}
      jobs:
        build: {docker: [{image: cimg/base:stable}], steps: [{run: echo << pipeline.parameters.greeting >>}]}
      workflows:
        main: {jobs: [build]}
      """;

  @TestHTTPResource("/")
  URI base;

  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void cluster() {
    KubernetesClient client = GatewayServices.client();
    namespace(client, "acme-ci", "acme");
    namespace(client, "globex-ci", "globex");
    namespace(client, "unbound", null);
    client.resource(pipeline("acme-ci", "app", "acme")).create();
    client.resource(pipeline("acme-ci", "many", "acme")).create();
    client.resource(pipeline("globex-ci", "app", "globex")).create();
    // Names acme but lives in a namespace no organization owns, and one that globex owns.
    client.resource(pipeline("unbound", "stray", "acme")).create();
    client.resource(pipeline("globex-ci", "claims-acme", "acme")).create();
  }

  @Test
  void tokens_bootstrap_scopes_and_revocation() throws Exception {
    assertProblem(send("POST", "api/v1/organizations/acme/tokens", null, "{\"name\":\"x\",\"scopes\":[\"admin\"]}"), 401);
    assertProblem(send("POST", "api/v1/organizations/acme/tokens", "wrong-secret-wrong-secret-wrong-secret",
        "{\"name\":\"x\",\"scopes\":[\"admin\"]}"), 401);
    String admin = token("acme", GatewayServices.BOOTSTRAP, "admin");
    // The bootstrap secret manages tokens and nothing else.
    assertProblem(send("GET", "api/v1/runs", GatewayServices.BOOTSTRAP, null), 401);
    assertProblem(send("POST", "api/v1/pipelines/acme-ci/app/runs", GatewayServices.BOOTSTRAP, "{}"), 401);
    String read = token("acme", admin, "read");
    HttpResponse<String> created = send("POST", "api/v1/organizations/acme/tokens", admin,
        "{\"name\":\"to-revoke\",\"scopes\":[\"write\"]}");
    String write = JSON.readTree(created.body()).get("token").asText();
    long writeId = JSON.readTree(created.body()).get("id").asLong();
    // A read token cannot mint tokens or trigger; an admin of acme cannot see globex's tokens.
    assertProblem(send("POST", "api/v1/organizations/acme/tokens", read, "{\"name\":\"y\",\"scopes\":[\"read\"]}"), 403);
    assertProblem(send("GET", "api/v1/organizations/globex/tokens", admin, null), 404);
    assertProblem(send("POST", "api/v1/pipelines/acme-ci/app/runs", read, "{}"), 403);
    assertThat(send("GET", "api/v1/runs", read, null).statusCode()).isEqualTo(200);
    assertProblem(send("POST", "api/v1/organizations/acme/tokens", admin, "{\"name\":\"y\",\"scopes\":[\"root\"]}"), 400);
    assertProblem(send("POST", "api/v1/organizations/acme/tokens", admin, "{\"name\":"), 400);

    JsonNode list = JSON.readTree(send("GET", "api/v1/organizations/acme/tokens", admin, null).body());
    assertThat(list.get("items")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(list.toString()).doesNotContain(read.substring(8)).doesNotContain(write.substring(8));
    assertThat(list.toString()).contains("\"id\":" + writeId).doesNotContain("\"token\"");
    assertThat(send("POST", "api/v1/pipelines/acme-ci/app/runs", write, "{}").statusCode()).isEqualTo(202);
    String globexAdmin = token("globex", GatewayServices.BOOTSTRAP, "admin");
    assertProblem(send("DELETE", "api/v1/organizations/globex/tokens/" + writeId, globexAdmin, null), 404);
    assertThat(send("DELETE", "api/v1/organizations/acme/tokens/" + writeId, admin, null).statusCode()).isEqualTo(204);
    assertProblem(send("POST", "api/v1/pipelines/acme-ci/app/runs", write, "{}"), 401);
    assertProblem(send("GET", "api/v1/runs", "circlet_" + "A".repeat(43), null), 401);
  }

  @Test
  void without_proxy_sign_in_configured_a_user_header_and_a_forged_proxy_credential_are_401() throws Exception {
    // The spoofed header an authenticating proxy would set: believed only when the operator turns the mode on.
    assertProblem(send("GET", "api/v1/me", null, null, "X-Forwarded-User", "alice@acme.example",
        "X-Auth-Request-User", "alice@acme.example", "Remote-User", "alice@acme.example"), 401);
    assertProblem(send("GET", "api/v1/me", null, null, "Authorization", "CircletProxy " + "0".repeat(64)
        + " alice@acme.example"), 401);
  }

  @Test
  void a_trigger_makes_one_workflow_per_idempotency_key_and_other_organizations_get_404() throws Exception {
    String admin = token("acme", GatewayServices.BOOTSTRAP, "admin");
    String write = token("acme", admin, "write");
    String body = "{\"branch\":\"feature/x\",\"parameters\":{\"greeting\":\"hello\"}}";
    HttpResponse<String> first = send("POST", "api/v1/pipelines/acme-ci/app/runs", write, body, "Idempotency-Key", "k-1");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    JsonNode run = JSON.readTree(first.body());
    HttpResponse<String> again = send("POST", "api/v1/pipelines/acme-ci/app/runs", write, body, "Idempotency-Key", "k-1");
    assertThat(JSON.readTree(again.body()).get("id")).isEqualTo(run.get("id"));
    assertThat(JSON.readTree(again.body()).get("number")).isEqualTo(run.get("number"));
    KubernetesClient client = GatewayServices.client();
    await().atMost(Duration.ofSeconds(120)).until(() -> runsOf(write, "acme-ci", "app").stream()
        .anyMatch(r -> r.get("id").equals(run.get("id")) && !r.get("status").asText().equals("pending")));
    JsonNode record = runsOf(write, "acme-ci", "app").stream().filter(r -> r.get("id").equals(run.get("id")))
        .findFirst().orElseThrow();
    assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("created");
    assertThat(record.get("workflows")).as(record.toString()).hasSize(1);
    String wfName = record.get("workflows").get(0).asText();
    assertThat(wfName).isEqualTo(Names.workflow("app", run.get("number").asLong(), "main"));
    Workflow wf = client.resources(Workflow.class).inNamespace("acme-ci").withName(wfName).get();
    assertThat(wf.getSpec().trigger.source).isEqualTo("api");
    assertThat(wf.getSpec().trigger.branch).isEqualTo("feature/x");
    assertThat(wf.getSpec().parameters).containsEntry("greeting", "hello");
    assertThat(wf.getSpec().organization).isEqualTo("acme");
    // The repeated request made no second run.
    assertThat(runsOf(write, "acme-ci", "app").stream().filter(r -> "k-1".equals(
        r.get("deliveryId").asText().replace("acme-ci/app/", ""))).count()).isEqualTo(1);

    for (String path : List.of("globex-ci/app", "unbound/stray", "globex-ci/claims-acme", "acme-ci/missing")) {
      assertProblem(send("POST", "api/v1/pipelines/" + path + "/runs", write, "{}"), 404);
    }
    assertProblem(send("POST", "api/v1/pipelines/acme-ci/app/runs", write, "{\"branch\":\"a\",\"tag\":\"b\"}"), 400);
    assertProblem(send("POST", "api/v1/pipelines/acme-ci/app/runs", write, "{\"branch\":\"--upload-pack=x\"}"), 400);
    assertProblem(send("POST", "api/v1/pipelines/acme-ci/app/runs", write, "{\"parameters\":{\"p\":[1]}}"), 400);
    // globex sees none of acme's runs or deliveries.
    String globexRead = token("globex", token("globex", GatewayServices.BOOTSTRAP, "admin"), "read");
    assertThat(JSON.readTree(send("GET", "api/v1/runs", globexRead, null).body()).toString()).doesNotContain("acme-ci");
    assertThat(JSON.readTree(send("GET", "api/v1/deliveries", globexRead, null).body()).toString()).doesNotContain("acme-ci");
    JsonNode deliveries = JSON.readTree(send("GET", "api/v1/deliveries", write, null).body());
    assertThat(deliveries.toString()).contains("acme-ci/app/k-1");
  }

  @Test
  void history_pages_have_no_duplicates_and_no_gaps() throws Exception {
    String admin = token("acme", GatewayServices.BOOTSTRAP, "admin");
    String write = token("acme", admin, "write");
    for (int i = 0; i < 23; i++) {
      assertThat(send("POST", "api/v1/pipelines/acme-ci/many/runs", write, "{}").statusCode()).isEqualTo(202);
    }
    List<JsonNode> all = new ArrayList<>();
    String next = "api/v1/runs?limit=7";
    int pages = 0;
    while (next != null) {
      JsonNode page = JSON.readTree(send("GET", next.replaceFirst("^/", ""), write, null).body());
      page.get("items").forEach(all::add);
      next = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
      if (next != null) {
        // A run written while paging lands before the first page and never shifts later pages.
        send("POST", "api/v1/pipelines/acme-ci/many/runs", write, "{}");
      }
    }
    List<Long> numbers = all.stream().filter(r -> r.get("pipeline").asText().equals("many")
        && r.get("namespace").asText().equals("acme-ci")).map(r -> r.get("number").asLong()).toList();
    Set<Long> ids = new HashSet<>();
    all.forEach(r -> assertThat(ids.add(r.get("id").asLong())).as("duplicate " + r).isTrue());
    assertThat(pages).isGreaterThanOrEqualTo(4);
    // The 23 runs made before paging are numbers 1..23 and all are listed, newest first.
    assertThat(numbers).containsAll(java.util.stream.LongStream.rangeClosed(1, 23).boxed().toList());
    List<Long> sortedIds = all.stream().map(r -> r.get("id").asLong()).toList();
    assertThat(sortedIds).isSortedAccordingTo((a, b) -> Long.compare(b, a));

    List<String> deliveries = new ArrayList<>();
    String dnext = "api/v1/deliveries?limit=5";
    while (dnext != null) {
      JsonNode page = JSON.readTree(send("GET", dnext.replaceFirst("^/", ""), write, null).body());
      page.get("items").forEach(d -> deliveries.add(d.get("provider").asText() + "/" + d.get("deliveryId").asText()));
      dnext = page.get("next").isNull() ? null : page.get("next").asText();
    }
    assertThat(new HashSet<>(deliveries)).hasSameSizeAs(deliveries);
    assertProblem(send("GET", "api/v1/runs?limit=0", write, null), 400);
    assertProblem(send("GET", "api/v1/runs?limit=101", write, null), 400);
    assertProblem(send("GET", "api/v1/runs?cursor=bm9wZQ", write, null), 400);
  }

  @Test
  void unknown_paths_and_methods_are_problems() throws Exception {
    String admin = token("acme", GatewayServices.BOOTSTRAP, "admin");
    assertProblem(send("GET", "api/v1/nothing-here", admin, null), 404);
    assertProblem(send("PUT", "api/v1/runs", admin, "{}"), 405);
  }

  @Test
  void the_openapi_document_names_every_resource_path() throws Exception {
    HttpResponse<String> r = send("GET", "q/openapi?format=json", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode paths = JSON.readTree(r.body()).get("paths");
    List<String> expected = new ArrayList<>();
    for (Class<?> resource : List.of(TokensResource.class, PipelineRunsResource.class, HistoryResource.class,
        WorkflowsResource.class, BuildsResource.class, ContinuationResource.class)) {
      String root = resource.getAnnotation(Path.class).value();
      for (Method m : resource.getDeclaredMethods()) {
        if (java.lang.reflect.Modifier.isPublic(m.getModifiers()) && hasHttpMethod(m)) {
          Path sub = m.getAnnotation(Path.class);
          // a template's regular expression ({path: .+}) is not part of the OpenAPI path
          expected.add((root + (sub == null ? "" : "/" + sub.value())).replace("//", "/")
              .replaceAll("\\{(\\w+):[^}]*}", "{$1}"));
        }
      }
    }
    assertThat(expected).hasSizeGreaterThanOrEqualTo(17);
    for (String path : expected) {
      assertThat(paths.has(path)).as(path + " in " + paths.fieldNames()).isTrue();
    }
  }

  static final String SETUP = """
      version: 2.1
      setup: true
      jobs:
        generate: {docker: [{image: cimg/base:stable}], steps: [{run: echo generating}]}
      workflows:
        setup: {jobs: [generate]}
      """;
  static final String CONTINUED = """
      version: 2.1
      parameters:
        target: {type: string, default: all}
      jobs:
        build: {docker: [{image: cimg/base:stable}], steps: [{run: echo << pipeline.parameters.target >>}]}
      workflows:
        continued: {jobs: [build]}
      """;

  String continuation(String key, String configuration, Map<String, Object> parameters) throws Exception {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("continuation-key", key);
    body.put("configuration", configuration);
    body.put("parameters", parameters);
    return JSON.writeValueAsString(body);
  }

  Workflow setupWorkflow(String write) throws Exception {
    HttpResponse<String> r = send("POST", "api/v1/pipelines/acme-ci/monorepo/runs", write, "{}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String name = Names.workflow("monorepo", JSON.readTree(r.body()).get("number").asLong(), "setup");
    KubernetesClient client = GatewayServices.client();
    await().atMost(Duration.ofSeconds(120))
        .until(() -> client.resources(Workflow.class).inNamespace("acme-ci").withName(name).get() != null);
    return client.resources(Workflow.class).inNamespace("acme-ci").withName(name).get();
  }

  @Test
  void a_setup_run_continues_once_with_the_key_its_jobs_got() throws Exception {
    KubernetesClient client = GatewayServices.client();
    Pipeline monorepo = pipeline("acme-ci", "monorepo", "acme");
    monorepo.getSpec().config = SETUP;
    client.resource(monorepo).create();
    String write = token("acme", token("acme", GatewayServices.BOOTSTRAP, "admin"), "write");
    Workflow setup = setupWorkflow(write);
    String key = setup.getSpec().jobs.get(0).environment.get("CIRCLE_CONTINUATION_KEY");
    assertThat(key).startsWith("ck_");
    long number = setup.getSpec().pipelineNumber;

    assertProblem(send("POST", "api/v2/pipeline/continue", null, continuation(key + "x", CONTINUED, Map.of())), 401);
    assertProblem(send("POST", "api/v2/pipeline/continue", null,
        continuation(key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A"), CONTINUED, Map.of())), 401);
    assertProblem(send("POST", "api/v2/pipeline/continue", null, "{\"continuation-key\":\"" + key + "\"}"), 400);
    assertProblem(send("POST", "api/v2/pipeline/continue", null, continuation(key, SETUP, Map.of())), 400);
    assertProblem(send("POST", "api/v2/pipeline/continue", null,
        continuation(key, CONTINUED, Map.of("target", List.of(1)))), 400);

    HttpResponse<String> ok = send("POST", "api/v2/pipeline/continue", null,
        continuation(key, CONTINUED, Map.of("target", "api")));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    String continued = Names.workflow("monorepo", number, "continued");
    await().atMost(Duration.ofSeconds(120))
        .until(() -> client.resources(Workflow.class).inNamespace("acme-ci").withName(continued).get() != null);
    Workflow wf = client.resources(Workflow.class).inNamespace("acme-ci").withName(continued).get();
    assertThat(wf.getSpec().parameters).containsEntry("target", "api");
    assertThat(wf.getSpec().trigger.source).isEqualTo("api");
    assertThat(wf.getSpec().jobs.get(0).steps.get(0).command).contains("echo api");
    assertThat(wf.getSpec().jobs.get(0).environment).doesNotContainKey("CIRCLE_CONTINUATION_KEY");

    HttpResponse<String> again = send("POST", "api/v2/pipeline/continue", null,
        continuation(key, CONTINUED, Map.of()));
    assertProblem(again, 409);
    assertThat(again.body()).contains("already continued");
    await().atMost(Duration.ofSeconds(60)).until(() -> runsOf(write, "acme-ci", "monorepo").stream()
        .anyMatch(r -> r.get("number").asLong() == number && r.get("workflows").size() == 2));

    // The continued run's setup workflow finishing later does not end it.
    Workflow firstSetup = client.resources(Workflow.class).inNamespace("acme-ci")
        .withName(setup.getMetadata().getName()).get();
    firstSetup.setStatus(new dev.circlet.api.v1alpha1.WorkflowStatus());
    firstSetup.getStatus().phase = dev.circlet.api.v1alpha1.WorkflowPhase.Succeeded;
    client.resource(firstSetup).updateStatus();

    // A setup workflow that finished without continuing ends its pipeline when it finishes, before
    // anyone tries to continue it: the run's record says so through the REST API.
    Workflow second = setupWorkflow(write);
    long secondNumber = second.getSpec().pipelineNumber;
    second.setStatus(new dev.circlet.api.v1alpha1.WorkflowStatus());
    second.getStatus().phase = dev.circlet.api.v1alpha1.WorkflowPhase.Succeeded;
    client.resource(second).updateStatus();
    await().atMost(Duration.ofSeconds(120)).until(() -> runsOf(write, "acme-ci", "monorepo").stream()
        .anyMatch(r -> r.get("number").asLong() == secondNumber && "ended".equals(r.get("status").asText())));
    long secondId = runsOf(write, "acme-ci", "monorepo").stream().filter(r -> r.get("number").asLong() == secondNumber)
        .findFirst().orElseThrow().get("id").asLong();
    JsonNode detail = JSON.readTree(send("GET", "api/v1/runs/" + secondId, write, null).body());
    assertThat(detail.get("recordStatus").asText()).as(detail.toString()).isEqualTo("ended");
    assertThat(detail.get("reason").asText()).contains("finished without continuing");
    assertThat(detail.get("status").asText()).as("the setup workflow's own outcome").isEqualTo("success");
    assertThat(JSON.readTree(send("GET", "api/v1/runs?status=ended", write, null).body()).get("items").toString())
        .contains("\"number\":" + secondNumber);
    // The continued run was not ended by its setup workflow (observed before the second one's).
    assertThat(runsOf(write, "acme-ci", "monorepo").stream().filter(r -> r.get("number").asLong() == number)
        .findFirst().orElseThrow().get("status").asText()).isEqualTo("created");
    HttpResponse<String> ended = send("POST", "api/v2/pipeline/continue", null, continuation(
        second.getSpec().jobs.get(0).environment.get("CIRCLE_CONTINUATION_KEY"), CONTINUED, Map.of()));
    assertProblem(ended, 409);
    assertThat(ended.body()).contains("finished without continuing");
  }

  static boolean hasHttpMethod(Method m) {
    for (var a : m.getAnnotations()) {
      if (a.annotationType().isAnnotationPresent(jakarta.ws.rs.HttpMethod.class)) {
        return true;
      }
    }
    return false;
  }

  List<JsonNode> runsOf(String token, String namespace, String pipeline) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    JsonNode page = JSON.readTree(send("GET", "api/v1/runs?limit=100", token, null).body());
    page.get("items").forEach(r -> {
      if (r.get("namespace").asText().equals(namespace) && r.get("pipeline").asText().equals(pipeline)) {
        out.add(r);
      }
    });
    return out;
  }

  String token(String org, String auth, String scope) throws Exception {
    HttpResponse<String> r = send("POST", "api/v1/organizations/" + org + "/tokens", auth,
        "{\"name\":\"" + scope + "-token\",\"scopes\":[\"" + scope + "\"]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("token").asText();
  }

  static void assertProblem(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.has("type") && p.has("title") && p.has("detail")).as(r.body()).isTrue();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  HttpResponse<String> send(String method, String path, String token, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void namespace(KubernetesClient client, String name, String org) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .withLabels(org == null ? Map.of() : Map.of(CircletApi.LABEL_ORGANIZATION, org)).endMetadata().build())
        .create();
  }

  static Pipeline pipeline(String namespace, String name, String org) {
    Pipeline p = new Pipeline();
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace(namespace);
    p.setSpec(new PipelineSpec());
    p.getSpec().organization = org;
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = "https://github.com/" + org + "/" + name + ".git";
    p.getSpec().config = CONFIG;
    return p;
  }
}
