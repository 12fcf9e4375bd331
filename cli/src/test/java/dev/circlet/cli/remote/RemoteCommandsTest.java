package dev.circlet.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.cli.Circlet;
import dev.circlet.cli.remote.RecordingGateway.Answer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The remote commands against a local HTTP server that records what they send: login and the
 * 0600 credentials file, the environment overriding it, trigger with --watch to the run's end,
 * runs filters, builds, approve, cancel, rerun, and logs (raw and followed across a dropped stream).
 */
class RemoteCommandsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "circlet_" + "t".repeat(43);

  @TempDir
  Path home;

  RecordingGateway gw;
  final Map<String, String> env = new HashMap<>();
  String stdin = TOKEN;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    gw = new RecordingGateway();
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  int circlet(String... args) {
    RemoteEnv e = new RemoteEnv(env, home, () -> stdin, Duration.ofMillis(10), null);
    CommandLine cl = new CommandLine(new Circlet(), RemoteCommand.factory(e));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  void loggedIn() {
    env.put(Credentials.ENV_URL, gw.url());
    env.put(Credentials.ENV_TOKEN, TOKEN);
  }

  @Test
  void login_checks_the_token_and_stores_it_for_the_owner_only() throws Exception {
    gw.on("GET /api/v1/me", Answer.json(200,
        "{\"organization\":\"acme\",\"token\":{\"name\":\"laptop\",\"scopes\":[\"write\"]}}"));
    assertThat(circlet("login", "--url", gw.url() + "/")).as(err.toString()).isZero();
    assertThat(gw.requests("GET /api/v1/me").get(0).headers()).containsEntry("authorization", "Bearer " + TOKEN);
    Path file = home.resolve(".config/circlet/credentials.json");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(JSON.readTree(file.toFile()).get("url").asText()).isEqualTo(gw.url());
    assertThat(out.toString()).contains("organization acme").doesNotContain(TOKEN);

    // The stored credentials are used; the environment overrides them field by field.
    gw.on("GET /api/v1/runs?limit=20", Answer.json(200, "{\"items\":[],\"next\":null}"));
    assertThat(circlet("runs")).isZero();
    env.put(Credentials.ENV_TOKEN, "circlet_other");
    assertThat(circlet("runs")).isZero();
    assertThat(gw.requests("GET /api/v1/runs").get(1).headers()).containsEntry("authorization", "Bearer circlet_other");
  }

  @Test
  void a_refused_token_is_not_stored_and_bad_urls_are_refused() {
    gw.on("GET /api/v1/me", Answer.json(401,
        "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"the bearer token is unknown or revoked\"}"));
    assertThat(circlet("login", "--url", gw.url())).isEqualTo(1);
    assertThat(err.toString()).contains("not authenticated").contains("unknown or revoked");
    assertThat(home.resolve(".config/circlet/credentials.json")).doesNotExist();
    assertThat(circlet("login", "--url", "ftp://example.com")).isEqualTo(1);
    assertThat(circlet("login", "--url", "https://user:pw@example.com")).isEqualTo(1);
    assertThat(circlet("runs")).isEqualTo(1);
    assertThat(err.toString()).contains("not logged in");
  }

  @Test
  void trigger_watch_shows_the_jobs_until_the_run_ends() throws Exception {
    loggedIn();
    gw.on("POST /api/v1/pipelines/acme-ci/app/runs", Answer.json(202,
        "{\"id\":41,\"number\":7,\"status\":\"pending\",\"delivery\":\"d\"}"));
    gw.on("GET /api/v1/runs/41",
        Answer.json(200, run("pending", "[]")),
        Answer.json(200, run("running", workflow("Running", "Running"))),
        Answer.json(200, run("running", workflow("Running", "Running"))),
        Answer.json(200, run("success", workflow("Succeeded", "Succeeded"))));
    assertThat(circlet("trigger", "acme-ci/app", "--branch", "main", "-p", "greeting=hi", "--watch"))
        .as(err.toString()).isZero();
    var post = gw.requests("POST /api/v1/pipelines/acme-ci/app/runs").get(0);
    assertThat(JSON.readTree(post.body())).isEqualTo(JSON.readTree(
        "{\"branch\":\"main\",\"parameters\":{\"greeting\":\"hi\"}}"));
    assertThat(post.headers()).containsEntry("authorization", "Bearer " + TOKEN);
    String shown = out.toString();
    assertThat(shown).contains("run 41 (acme-ci/app #7): pending").contains("[..]   build")
        .contains("[ok]   build").contains(": success");
    // Unchanged polls print nothing new.
    assertThat(shown.split("Running", -1).length - 1).isEqualTo(2);

    gw.on("POST /api/v1/pipelines/acme-ci/bad/runs", Answer.json(202, "{\"id\":42,\"number\":1,\"status\":\"pending\"}"));
    gw.on("GET /api/v1/runs/42", Answer.json(200, run("failed", workflow("Failed", "Failed"))));
    assertThat(circlet("trigger", "acme-ci/bad", "--watch")).isEqualTo(1);
    assertThat(circlet("trigger", "no-namespace")).isEqualTo(1);
    assertThat(err.toString()).contains("<namespace>/<name>");
  }

  @Test
  void runs_builds_and_actions_send_what_the_contract_names() throws Exception {
    loggedIn();
    gw.on("GET /api/v1/runs?limit=5&pipeline=acme-ci%2Fapp&branch=feature%2Fx&status=created", Answer.json(200,
        "{\"items\":[{\"id\":3,\"namespace\":\"acme-ci\",\"pipeline\":\"app\",\"number\":2,\"branch\":\"feature/x\","
            + "\"status\":\"created\",\"createdAt\":\"2026-01-01T00:00:00Z\"}],\"next\":null}"));
    assertThat(circlet("runs", "--pipeline", "acme-ci/app", "--branch", "feature/x", "--status", "created",
        "--limit", "5")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("acme-ci/app").contains("feature/x");

    gw.on("GET /api/v1/runs/3", Answer.json(200, run("failed", workflow("Failed", "Failed"))));
    gw.on("GET /api/v1/builds/acme-ci/app-build", Answer.json(200, build("Failed")));
    assertThat(circlet("builds", "3")).isZero();
    assertThat(circlet("builds", "acme-ci/app-build")).isZero();
    assertThat(out.toString()).contains("[FAIL]").contains("npm test").contains("exit 1");

    gw.on("POST /api/v1/workflows/acme-ci/wf/approve", Answer.json(202, "{}"));
    gw.on("POST /api/v1/workflows/acme-ci/wf/cancel", Answer.json(202, "{}"));
    gw.on("POST /api/v1/builds/acme-ci/b/cancel", Answer.json(202, "{}"));
    gw.on("POST /api/v1/workflows/acme-ci/wf/rerun", Answer.json(202,
        "{\"id\":3,\"namespace\":\"acme-ci\",\"workflow\":\"wf-rerun\"}"));
    assertThat(circlet("approve", "acme-ci/wf", "hold")).isZero();
    assertThat(circlet("cancel", "acme-ci/wf")).isZero();
    assertThat(circlet("cancel", "--build", "acme-ci/b")).isZero();
    assertThat(circlet("rerun", "acme-ci/wf", "--failed")).isZero();
    assertThat(JSON.readTree(gw.requests("POST /api/v1/workflows/acme-ci/wf/approve").get(0).body()))
        .isEqualTo(JSON.readTree("{\"job\":\"hold\"}"));
    assertThat(JSON.readTree(gw.requests("POST /api/v1/workflows/acme-ci/wf/rerun").get(0).body()))
        .isEqualTo(JSON.readTree("{\"failedOnly\":true}"));
    assertThat(gw.requests("POST /api/v1/builds/acme-ci/b/cancel")).hasSize(1);
    assertThat(out.toString()).contains("rerunning acme-ci/wf as acme-ci/wf-rerun (run 3)");

    gw.on("POST /api/v1/workflows/acme-ci/theirs/cancel", Answer.json(404,
        "{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404,\"detail\":\"no Workflow acme-ci/theirs\"}"));
    assertThat(circlet("cancel", "acme-ci/theirs")).isEqualTo(1);
    assertThat(err.toString()).contains("not found: no Workflow acme-ci/theirs");
  }

  @Test
  void logs_print_each_step_and_follow_resumes_a_dropped_stream_at_its_offset() {
    loggedIn();
    gw.on("GET /api/v1/builds/acme-ci/b", Answer.json(200, build("Succeeded")));
    gw.on("GET /api/v1/builds/acme-ci/b/steps/0/log", new Answer(200, "text/plain", "cloned\n"));
    gw.on("GET /api/v1/builds/acme-ci/b/steps/1/log", new Answer(200, "text/plain", "ran tests\n"));
    assertThat(circlet("logs", "acme-ci/b")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("==> step 0: checkout\ncloned\n==> step 1: npm test\nran tests\n");

    out.getBuffer().setLength(0);
    // The first stream breaks after "line 1" (7 bytes) without an end event; the second resumes there.
    gw.on("GET /api/v1/builds/acme-ci/b/steps/1/log/stream",
        new Answer(200, "text/event-stream", "event: log\nid: 7\ndata: line 1\ndata: \n\n"),
        new Answer(200, "text/event-stream", "event: log\nid: 14\ndata: line 2\ndata: \n\nevent: end\nid: 14\ndata: \n\n"));
    assertThat(circlet("logs", "acme-ci/b", "--step", "1", "-f")).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("==> step 1: npm test\nline 1\nline 2\n");
    var streams = gw.requests("GET /api/v1/builds/acme-ci/b/steps/1/log/stream");
    assertThat(streams).hasSize(2);
    assertThat(streams.get(0).headers()).doesNotContainKey("last-event-id");
    assertThat(streams.get(1).headers()).containsEntry("last-event-id", "7");
    assertThat(circlet("logs", "acme-ci/b", "--step", "9")).isEqualTo(1);
  }

  static String run(String status, String workflows) {
    return "{\"id\":41,\"number\":7,\"pipeline\":{\"namespace\":\"acme-ci\",\"name\":\"app\"},\"status\":\"" + status
        + "\",\"workflows\":" + workflows + "}";
  }

  static String workflow(String phase, String jobState) {
    return "[{\"namespace\":\"acme-ci\",\"name\":\"app-7-main\",\"workflow\":\"main\",\"phase\":\"" + phase
        + "\",\"jobs\":[{\"name\":\"build\",\"state\":\"" + jobState + "\",\"build\":\"app-7-main-build\","
        + "\"durationMs\":3500}]}]";
  }

  static String build(String phase) {
    return "{\"namespace\":\"acme-ci\",\"name\":\"b\",\"job\":\"test\",\"phase\":\"" + phase + "\","
        + "\"steps\":[{\"index\":0,\"name\":\"checkout\",\"status\":\"success\",\"exitCode\":0,\"durationMs\":20},"
        + "{\"index\":1,\"name\":\"npm test\",\"status\":\"failed\",\"exitCode\":1,\"durationMs\":65000}]}";
  }
}
