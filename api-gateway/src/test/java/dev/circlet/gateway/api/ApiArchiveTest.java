package dev.circlet.gateway.api;

import static dev.circlet.gateway.api.ApiV1Test.JSON;
import static dev.circlet.gateway.api.ApiV1Test.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.JobState;
import dev.circlet.api.v1alpha1.JobStatus;
import dev.circlet.api.v1alpha1.JobType;
import dev.circlet.api.v1alpha1.Organization;
import dev.circlet.api.v1alpha1.OrganizationSpec;
import dev.circlet.api.v1alpha1.OrganizationStatus;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.api.v1alpha1.WorkflowStatus;
import dev.circlet.gateway.rest.WorkflowsResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The archive and the reads and actions of the REST API on the booted gateway, with real PostgreSQL
 * and RabbitMQ and the mock API server standing in for the operator's writes: a triggered run's
 * Workflow and Builds archived and readable after the resources are deleted, steps, tests
 * (failures first) and artifacts, the queue, and approve, cancel and rerun writing only specs.
 * Every object of one organization is 404 to another.
 */
@Tag("services")
@QuarkusTest
@QuarkusTestResource(value = GatewayServices.class, restrictToAnnotatedClass = true)
class ApiArchiveTest {
  static final String CONFIG = """
      version: 2.1
      jobs:
        build: {docker: [{image: cimg/base:stable}], steps: [{run: make}]}
        test: {docker: [{image: cimg/base:stable}], steps: [{run: make test}]}
      workflows:
        main:
          jobs:
            - build
            - test: {requires: [build]}
            - hold: {type: approval, requires: [test]}
      """;

  @TestHTTPResource("/")
  URI base;

  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void cluster() throws Exception {
    KubernetesClient client = GatewayServices.client();
    ApiV1Test.namespace(client, "acme-ci", "acme");
    ApiV1Test.namespace(client, "globex-ci", "globex");
    var app = ApiV1Test.pipeline("acme-ci", "app", "acme");
    app.getSpec().config = CONFIG;
    client.resource(app).create();
    client.resource(ApiV1Test.pipeline("globex-ci", "app", "globex")).create();
    Organization acme = new Organization();
    acme.getMetadata().setName("acme");
    acme.setSpec(new OrganizationSpec());
    acme.getSpec().maxConcurrentBuilds = 2;
    acme.setStatus(new OrganizationStatus());
    acme.getStatus().running = 2;
    acme.getStatus().queued = 1;
    client.resource(acme).create();
    // The output processing's tables, as its migration creates them.
    try (Connection c = GatewayServices.pg.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("""
          CREATE TABLE IF NOT EXISTS build_steps (build_uid text NOT NULL, namespace text, build_name text,
            step_index integer NOT NULL, name text, status text, exit_code integer, started_at timestamptz,
            finished_at timestamptz, duration_ms bigint, log_bytes bigint, PRIMARY KEY (build_uid, step_index));
          CREATE TABLE IF NOT EXISTS test_results (build_uid text NOT NULL, classname text, name text, file text,
            result text, message text, duration_ms bigint);
          CREATE TABLE IF NOT EXISTS artifacts (build_uid text NOT NULL, path text, size_bytes bigint,
            storage_key text)""");
    }
  }

  @Test
  void a_run_is_archived_readable_by_its_organization_only_and_outlives_its_resources() throws Exception {
    String admin = token("acme", GatewayServices.BOOTSTRAP, "admin");
    String read = token("acme", admin, "read");
    String write = token("acme", admin, "write");
    String globex = token("globex", token("globex", GatewayServices.BOOTSTRAP, "admin"), "read");
    JsonNode me = get("api/v1/me", read);
    assertThat(me.get("organization").asText()).isEqualTo("acme");
    assertThat(me.get("token").get("name").asText()).isEqualTo("read-token");
    assertThat(me.get("token").get("scopes").toString()).isEqualTo("[\"read\"]");

    HttpResponse<String> triggered = send("POST", "api/v1/pipelines/acme-ci/app/runs", write, "{\"branch\":\"main\"}");
    assertThat(triggered.statusCode()).as(triggered.body()).isEqualTo(202);
    long runId = JSON.readTree(triggered.body()).get("id").asLong();
    KubernetesClient client = GatewayServices.client();
    await().atMost(Duration.ofSeconds(120)).until(() -> get("api/v1/runs/" + runId, read).get("recordStatus")
        .asText().equals("created"));
    String wfName = client.resources(Workflow.class).inNamespace("acme-ci").list().getItems().stream()
        .filter(w -> "app".equals(w.getSpec().pipeline) && w.getSpec().pipelineNumber != null)
        .map(w -> w.getMetadata().getName()).findFirst().orElseThrow();

    // What the operator would write: the build succeeded, the test failed, the approval never ran.
    Workflow wf = client.resources(Workflow.class).inNamespace("acme-ci").withName(wfName).get();
    wf.setStatus(new WorkflowStatus());
    wf.getStatus().phase = WorkflowPhase.Failed;
    wf.getStatus().jobs.add(job("build", JobState.Succeeded, "app-build-1"));
    wf.getStatus().jobs.add(job("test", JobState.Failed, "app-test-1"));
    wf.getStatus().jobs.add(new JobStatus("hold", JobState.NotRun));
    client.resource(wf).updateStatus();
    create(client, build("acme-ci", "app-build-1", "acme", wfName, "build", BuildPhase.Succeeded, null));
    create(client, build("acme-ci", "app-waiting-1", "acme", wfName, "test", BuildPhase.Queued,
        "OrganizationAtCapacity"));
    String uid = client.resources(Build.class).inNamespace("acme-ci").withName("app-build-1").get().getMetadata()
        .getUid();
    try (Connection c = GatewayServices.pg.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO build_steps VALUES ('" + uid + "', 'acme-ci', 'app-build-1', 1, 'make', 'failed', 2,"
          + " now(), now(), 40, 300), ('" + uid + "', 'acme-ci', 'app-build-1', 0, 'checkout', 'success', 0, now(),"
          + " now(), 10, 20)");
      s.execute("INSERT INTO test_results VALUES ('" + uid + "', 'a.B', 'passes', 'b.js', 'passed', null, 3),"
          + " ('" + uid + "', 'a.B', 'skips', 'b.js', 'skipped', null, 0), ('" + uid + "', 'z.Z', 'breaks', 'z.js',"
          + " 'failed', 'expected 1', 9)");
      s.execute("INSERT INTO artifacts VALUES ('" + uid + "', 'report/index.html', 1234, 'k1')");
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> {
      HttpResponse<String> r = send("GET", "api/v1/workflows/acme-ci/" + wfName, read, null);
      return r.statusCode() == 200 && JSON.readTree(r.body()).get("phase").asText().equals("Failed");
    });
    JsonNode run = get("api/v1/runs/" + runId, read);
    assertThat(run.get("status").asText()).isEqualTo("failed");
    assertThat(run.get("pipeline").toString()).isEqualTo("{\"namespace\":\"acme-ci\",\"name\":\"app\"}");
    assertThat(run.get("trigger").get("branch").asText()).isEqualTo("main");
    assertThat(run.get("trigger").get("source").asText()).isEqualTo("api");
    JsonNode jobs = run.get("workflows").get(0).get("jobs");
    assertThat(jobs).hasSize(3);
    assertThat(jobs.get(1).get("requires").toString()).isEqualTo("[\"build\"]");
    assertThat(jobs.get(1).get("state").asText()).isEqualTo("Failed");
    assertThat(jobs.get(1).get("build").asText()).isEqualTo("app-test-1");
    assertThat(jobs.get(2).get("type").asText()).isEqualTo("approval");

    assertThat(ids(get("api/v1/runs?pipeline=acme-ci/app&branch=main", read))).contains(runId);
    assertThat(ids(get("api/v1/runs?pipeline=acme-ci/app&branch=other", read))).isEmpty();
    assertThat(ids(get("api/v1/runs?status=created", read))).contains(runId);
    assertProblem(send("GET", "api/v1/runs?status=bogus", read, null), 400);
    assertProblem(send("GET", "api/v1/runs?pipeline=no-slash", read, null), 400);
    await().atMost(Duration.ofSeconds(60)).until(() -> get("api/v1/pipelines", read).get("items").size() == 1);
    JsonNode pipelines = get("api/v1/pipelines", read);
    JsonNode branch = pipelines.get("items").get(0).get("branches").get(0);
    assertThat(branch.get("branch").asText()).isEqualTo("main");
    assertThat(branch.get("lastRun").get("id").asLong()).isEqualTo(runId);
    assertThat(branch.get("lastRun").get("status").asText()).isEqualTo("failed");

    await().atMost(Duration.ofSeconds(60)).until(() ->
        send("GET", "api/v1/builds/acme-ci/app-build-1", read, null).statusCode() == 200);
    JsonNode b = get("api/v1/builds/acme-ci/app-build-1", read);
    assertThat(b.get("phase").asText()).isEqualTo("Succeeded");
    assertThat(b.get("job").asText()).isEqualTo("build");
    assertThat(b.get("workflow").asText()).isEqualTo(wfName);
    assertThat(b.get("steps").get(0).get("name").asText()).isEqualTo("checkout");
    assertThat(b.get("steps").get(1).get("exitCode").asInt()).isEqualTo(2);
    assertThat(b.get("steps").get(1).get("logBytes").asLong()).isEqualTo(300);
    JsonNode tests = get("api/v1/builds/acme-ci/app-build-1/tests", read).get("items");
    assertThat(tests.get(0).get("result").asText()).isEqualTo("failed");
    assertThat(tests.get(0).get("message").asText()).isEqualTo("expected 1");
    assertThat(tests.get(2).get("result").asText()).isEqualTo("passed");
    JsonNode artifacts = get("api/v1/builds/acme-ci/app-build-1/artifacts", read).get("items");
    assertThat(artifacts.get(0).get("path").asText()).isEqualTo("report/index.html");
    assertThat(artifacts.get(0).get("sizeBytes").asLong()).isEqualTo(1234);

    await().atMost(Duration.ofSeconds(60)).until(() -> get("api/v1/queue", read).get("waiting").size() == 1);
    JsonNode queue = get("api/v1/queue", read);
    assertThat(queue.get("running").asInt()).isEqualTo(2);
    assertThat(queue.get("capacity").asInt()).isEqualTo(2);
    assertThat(queue.get("waiting").get(0).get("name").asText()).isEqualTo("app-waiting-1");
    assertThat(queue.get("waiting").get(0).get("reason").asText()).startsWith("OrganizationAtCapacity");

    // Another organization sees none of it.
    for (String path : List.of("api/v1/runs/" + runId, "api/v1/workflows/acme-ci/" + wfName,
        "api/v1/builds/acme-ci/app-build-1", "api/v1/builds/acme-ci/app-build-1/tests",
        "api/v1/builds/acme-ci/app-build-1/artifacts", "api/v1/runs/not-a-number",
        "api/v1/workflows/acme-ci/Not_A_Name", "api/v1/builds/globex-ci/app-build-1")) {
      assertProblem(send("GET", path, globex, null), 404);
    }
    assertThat(get("api/v1/queue", globex).get("waiting")).isEmpty();
    assertThat(get("api/v1/pipelines", globex).toString()).doesNotContain("acme-ci");
    assertThat(get("api/v1/runs?pipeline=acme-ci/app", globex).get("items")).isEmpty();

    // Retention deletes the resources; their history stays.
    client.resources(Build.class).inNamespace("acme-ci").withName("app-build-1").delete();
    client.resources(Workflow.class).inNamespace("acme-ci").withName(wfName).delete();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        client.resources(Workflow.class).inNamespace("acme-ci").withName(wfName).get() == null);
    assertThat(get("api/v1/workflows/acme-ci/" + wfName, read).get("jobs")).hasSize(3);
    assertThat(get("api/v1/builds/acme-ci/app-build-1", read).get("steps")).hasSize(2);
    assertThat(get("api/v1/runs/" + runId, read).get("workflows")).hasSize(1);
  }

  @Test
  void actions_write_only_specs_need_write_scope_and_stop_at_the_organization() throws Exception {
    String admin = token("acme", GatewayServices.BOOTSTRAP, "admin");
    String read = token("acme", admin, "read");
    String write = token("acme", admin, "write");
    String globex = token("globex", token("globex", GatewayServices.BOOTSTRAP, "admin"), "write");
    KubernetesClient client = GatewayServices.client();
    Workflow held = workflow("acme-ci", "held", "acme", WorkflowPhase.OnHold);
    held.getStatus().jobs.add(new JobStatus("build", JobState.Succeeded));
    held.getStatus().jobs.add(new JobStatus("hold", JobState.OnHold));
    create(client, held);

    String approve = "api/v1/workflows/acme-ci/held/approve";
    assertProblem(send("POST", approve, read, "{\"job\":\"hold\"}"), 403);
    assertProblem(send("POST", approve, globex, "{\"job\":\"hold\"}"), 404);
    assertProblem(send("POST", approve, write, "{\"job\":\"build\"}"), 400);
    assertProblem(send("POST", approve, write, "{\"job\":\"nothing\"}"), 400);
    assertProblem(send("POST", approve, write, "{}"), 400);
    assertThat(send("POST", approve, write, "{\"job\":\"hold\"}").statusCode()).isEqualTo(202);
    assertThat(send("POST", approve, write, "{\"job\":\"hold\"}").statusCode()).isEqualTo(202);
    Workflow after = client.resources(Workflow.class).inNamespace("acme-ci").withName("held").get();
    assertThat(after.getSpec().approvals).containsExactly("hold");
    assertThat(after.getStatus().phase).as("status is the operator's").isEqualTo(WorkflowPhase.OnHold);
    assertProblem(send("POST", "api/v1/workflows/acme-ci/held/rerun", write, "{}"), 409);
    assertProblem(send("POST", "api/v1/workflows/acme-ci/held/cancel", globex, null), 404);
    assertThat(send("POST", "api/v1/workflows/acme-ci/held/cancel", write, null).statusCode()).isEqualTo(202);
    assertThat(client.resources(Workflow.class).inNamespace("acme-ci").withName("held").get().getSpec().cancel)
        .isTrue();

    create(client, build("acme-ci", "to-cancel", "acme", "held", "build", BuildPhase.Running, null));
    assertProblem(send("POST", "api/v1/builds/acme-ci/to-cancel/cancel", read, null), 403);
    assertProblem(send("POST", "api/v1/builds/acme-ci/to-cancel/cancel", globex, null), 404);
    assertThat(send("POST", "api/v1/builds/acme-ci/to-cancel/cancel", write, null).statusCode()).isEqualTo(202);
    assertThat(client.resources(Build.class).inNamespace("acme-ci").withName("to-cancel").get().getSpec().cancel)
        .isTrue();

    Workflow failed = workflow("acme-ci", "failed", "acme", WorkflowPhase.Failed);
    failed.getStatus().jobs.add(new JobStatus("build", JobState.Failed));
    failed.getStatus().jobs.add(new JobStatus("hold", JobState.NotRun));
    failed.getSpec().jobs.add(0, RerunJob.of("lint"));
    failed.getStatus().jobs.add(new JobStatus("lint", JobState.Succeeded));
    create(client, failed);
    HttpResponse<String> r = send("POST", "api/v1/workflows/acme-ci/failed/rerun", write, "{\"failedOnly\":true}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String rerunName = JSON.readTree(r.body()).get("workflow").asText();
    Workflow rerun = client.resources(Workflow.class).inNamespace("acme-ci").withName(rerunName).get();
    assertThat(rerun.getSpec().jobs).extracting(j -> j.name).containsExactly("build", "hold");
    assertThat(rerun.getMetadata().getAnnotations()).containsEntry(WorkflowsResource.RERUN_OF, "failed");
    assertThat(rerun.getSpec().pipelineNumber).isEqualTo(failed.getSpec().pipelineNumber);
    HttpResponse<String> whole = send("POST", "api/v1/workflows/acme-ci/failed/rerun", write, "{}");
    assertThat(whole.statusCode()).as(whole.body()).isEqualTo(202);
    String wholeName = JSON.readTree(whole.body()).get("workflow").asText();
    assertThat(wholeName).isNotEqualTo(rerunName);
    assertThat(client.resources(Workflow.class).inNamespace("acme-ci").withName(wholeName).get().getSpec().jobs)
        .hasSize(3);
    assertProblem(send("POST", "api/v1/workflows/acme-ci/failed/rerun", globex, "{}"), 404);

    // A Workflow naming another organization, and one in another organization's namespace: 404.
    create(client, workflow("acme-ci", "claims-globex", "globex", WorkflowPhase.Failed));
    create(client, workflow("globex-ci", "theirs", "globex", WorkflowPhase.Failed));
    for (String wf : List.of("acme-ci/claims-globex", "globex-ci/theirs", "acme-ci/missing")) {
      assertProblem(send("POST", "api/v1/workflows/" + wf + "/cancel", write, null), 404);
      assertProblem(send("POST", "api/v1/workflows/" + wf + "/rerun", write, "{}"), 404);
    }
    assertProblem(send("POST", "api/v1/workflows/acme-ci/claims-globex/cancel", globex, null), 404);
  }

  /** A job for a test graph. */
  static final class RerunJob {
    static JobSpec of(String name, String... requires) {
      JobSpec j = new JobSpec();
      j.name = name;
      j.requires = new ArrayList<>(List.of(requires));
      return j;
    }
  }

  static Workflow workflow(String namespace, String name, String org, WorkflowPhase phase) {
    Workflow w = new Workflow();
    w.getMetadata().setNamespace(namespace);
    w.getMetadata().setName(name);
    w.setSpec(new WorkflowSpec());
    w.getSpec().organization = org;
    w.getSpec().pipeline = "app";
    w.getSpec().pipelineNumber = 900L;
    w.getSpec().workflowName = name;
    w.getSpec().jobs.add(RerunJob.of("build"));
    JobSpec hold = RerunJob.of("hold", "build");
    hold.type = JobType.APPROVAL;
    w.getSpec().jobs.add(hold);
    w.setStatus(new WorkflowStatus());
    w.getStatus().phase = phase;
    return w;
  }

  static void create(KubernetesClient client, Workflow w) {
    WorkflowStatus status = w.getStatus();
    Workflow created = client.resource(w).create();
    created.setStatus(status);
    client.resource(created).updateStatus();
  }

  static void create(KubernetesClient client, Build b) {
    BuildStatus status = b.getStatus();
    Build created = client.resource(b).create();
    created.setStatus(status);
    client.resource(created).updateStatus();
  }

  static Build build(String namespace, String name, String org, String workflow, String job, BuildPhase phase,
      String reason) {
    Build b = new Build();
    b.getMetadata().setNamespace(namespace);
    b.getMetadata().setName(name);
    b.setSpec(new BuildSpec());
    b.getSpec().organization = org;
    b.getSpec().workflow = workflow;
    b.getSpec().job = RerunJob.of(job);
    b.setStatus(new BuildStatus());
    b.getStatus().phase = phase;
    b.getStatus().reason = reason;
    b.getStatus().queuedAt = "2026-01-01T10:00:00Z";
    return b;
  }

  static JobStatus job(String name, JobState state, String build) {
    JobStatus j = new JobStatus(name, state);
    j.builds.add(build);
    return j;
  }

  static List<Long> ids(JsonNode page) {
    List<Long> out = new ArrayList<>();
    page.get("items").forEach(i -> out.add(i.get("id").asLong()));
    return out;
  }

  JsonNode get(String path, String token) throws Exception {
    HttpResponse<String> r = send("GET", path, token, null);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  String token(String org, String auth, String scope) throws Exception {
    HttpResponse<String> r = send("POST", "api/v1/organizations/" + org + "/tokens", auth,
        "{\"name\":\"" + scope + "-token\",\"scopes\":[\"" + scope + "\"]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("token").asText();
  }

  HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
