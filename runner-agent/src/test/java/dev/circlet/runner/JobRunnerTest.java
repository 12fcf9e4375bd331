package dev.circlet.runner;

import static dev.circlet.runner.JobHarness.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job semantics through the real shim: when, halt, failures, timeouts, cancellation, environment, masking. */
class JobRunnerTest {
  @TempDir Path tmp;
  JobHarness h;
  RecordingLog log = new RecordingLog();

  @BeforeEach
  void setUp() throws Exception {
    h = new JobHarness(tmp);
  }

  private static Step run(String name, String command) {
    return TestJobs.run(name, command);
  }

  private static Step runWhen(String name, String command, String when) {
    return step("run", Map.of("name", name, "command", command, "when", when));
  }

  private static List<String> statuses(JobResult r) {
    return r.steps().stream().map(s -> s.name() + "=" + s.status()).toList();
  }

  @Test
  void failingStepSkipsOnSuccessAndRunsOnFailAndAlways() throws Exception {
    JobResult r = h.run("j", List.of(
        run("ok", "echo one"),
        run("boom", "echo failing; exit 7"),
        run("after", "echo should-not-run"),
        runWhen("cleanup", "echo on-fail-ran", "on_fail"),
        runWhen("report", "echo always-ran", "always")), log);
    assertThat(r.outcome()).isEqualTo("failed");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(statuses(r)).containsExactly("ok=success", "boom=failed", "after=skipped", "cleanup=success", "report=success");
    assertThat(r.steps().get(1).exitCode()).isEqualTo(7);
    assertThat(log.text()).contains("boom: failing", "cleanup: on-fail-ran", "report: always-ran").doesNotContain("should-not-run");
  }

  @Test
  void onFailStepIsSkippedWhenAllSucceeded() throws Exception {
    JobResult r = h.run("j", List.of(run("ok", "true"), runWhen("cleanup", "echo x", "on_fail")), log);
    assertThat(r.outcome()).isEqualTo("success");
    assertThat(statuses(r)).containsExactly("ok=success", "cleanup=skipped");
  }

  @Test
  void noOutputTimeoutKillsTheStepAndTimesOutTheJob() throws Exception {
    JobResult r = h.run("j", List.of(
        step("run", Map.of("name", "silent", "command", "echo start; sleep 30", "noOutputTimeout", "0.5s")),
        runWhen("after", "echo after-timeout", "always")), log);
    assertThat(r.outcome()).isEqualTo("timedout");
    assertThat(r.exitCode()).isEqualTo(124);
    assertThat(statuses(r)).containsExactly("silent=timedout", "after=success");
    assertThat(log.text()).contains("Too long with no output (exceeded 0.5s)");
  }

  @Test
  void cancellationMidStepKillsItAndSkipsTheRest() throws Exception {
    Thread.ofVirtual().start(() -> {
      try {
        while (!log.text().contains("sleeper: started")) {
          Thread.sleep(20);
        }
        h.runner.cancel();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    long t0 = System.nanoTime();
    JobResult r = h.run("j", List.of(run("sleeper", "echo started; sleep 60"), runWhen("later", "echo no", "always")), log);
    assertThat(System.nanoTime() - t0).isLessThan(20_000_000_000L);
    assertThat(r.outcome()).isEqualTo("canceled");
    assertThat(r.exitCode()).isEqualTo(130);
    assertThat(statuses(r)).containsExactly("sleeper=canceled", "later=canceled");
  }

  @Test
  void haltEndsTheJobSuccessfully() throws Exception {
    JobResult r = h.run("j", List.of(run("stop", "circleci-agent step halt"), run("next", "exit 1")), log);
    assertThat(r.outcome()).isEqualTo("success");
    assertThat(statuses(r)).containsExactly("stop=success", "next=skipped");
  }

  @Test
  void environmentPrecedenceAndBuiltIns() throws Exception {
    h.secrets = Map.of("PROJECT_TOKEN", "p-secret-value", "CIRCLE_BRANCH", "from-project", "SHARED", "project");
    JobSpec job = new JobSpec("env-job", "build", List.of(), null, null, "~/work", null,
        Map.of("SHARED", "job", "JOB_ONLY", "j"), 1, List.of(
            step("run", Map.of("name", "show", "environment", Map.of("SHARED", "step"),
                "command", "echo \"$SHARED $JOB_ONLY $CIRCLE_BRANCH $CIRCLE_SHA1 $CIRCLE_JOB $CIRCLE_BUILD_NUM"
                    + " $CIRCLE_PREVIOUS_BUILD_NUM $CIRCLE_PROJECT_USERNAME/$CIRCLE_PROJECT_REPONAME $CI $CIRCLECI"
                    + " $CIRCLE_NODE_INDEX/$CIRCLE_NODE_TOTAL $CIRCLE_WORKFLOW_ID $CIRCLE_USERNAME\"; echo \"wd=$CIRCLE_WORKING_DIRECTORY pwd=$(pwd)\"")),
            run("export", "echo 'export SHARED=from-bash-env' >> \"$BASH_ENV\""),
            step("run", Map.of("name", "shell-wins", "environment", Map.of("SHARED", "step"), "command", "echo $SHARED")),
            step("run", Map.of("name", "posix", "shell", "/bin/sh", "command", "echo sh:$SHARED"))),
        List.of(), null);
    JobResult r = h.run(job, log);
    assertThat(r.outcome()).isEqualTo("success");
    Path wd = h.home("env-job").resolve("work");
    assertThat(log.text())
        .contains("show: step j main abc123 env-job 7 6 acme/widgets true true 0/1 wf-1 alice")
        .contains("show: wd=" + wd + " pwd=" + wd)
        .contains("shell-wins: from-bash-env")
        .contains("posix: sh:from-bash-env");
  }

  @Test
  void secretsAreMaskedExactlyInBase64AndAcrossWrites() throws Exception {
    String secret = "hunter2-very-secret";
    h.secrets = Map.of("API_KEY", secret);
    String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
    JobResult r = h.run("j", List.of(
        run("leak", "echo \"key=$API_KEY\"; echo " + b64 + "; printf 'hunter2-'; sleep 0.2; printf 'very-secret\\n'")), log);
    assertThat(r.outcome()).isEqualTo("success");
    assertThat(log.text()).doesNotContain(secret).doesNotContain(b64).doesNotContain("hunter2-")
        .contains("leak: key=********").contains("leak: ********");
  }

  @Test
  void backgroundStepRunsAlongsideAndIsStoppedAtTheEnd() throws Exception {
    JobResult r = h.run("j", List.of(
        step("run", Map.of("name", "server", "background", true, "command", "echo up > \"$HOME/bg\"; sleep 60")),
        run("client", "for i in 1 2 3 4 5 6 7 8 9 10; do [ -f \"$HOME/bg\" ] && break; sleep 0.1; done; cat \"$HOME/bg\"")), log);
    assertThat(r.outcome()).isEqualTo("success");
    assertThat(log.text()).contains("client: up");
  }

  @Test
  void deployRunsOnlyOnNodeZero() throws Exception {
    h.nodeIndex = 1;
    h.nodeTotal = 2;
    JobResult r = h.run("j", List.of(step("deploy", Map.of("name", "ship", "command", "echo shipped"))), log);
    assertThat(statuses(r)).containsExactly("ship=skipped");
  }

  @Test
  void unknownStepTypeAndBadTimeoutFailClearly() throws Exception {
    JobResult r = h.run("j", List.of(step("teleport", Map.of()),
        step("run", Map.of("name", "bad", "command", "true", "noOutputTimeout", "ten minutes", "when", "always"))), log);
    assertThat(r.outcome()).isEqualTo("failed");
    assertThat(log.text()).contains("Error: unknown step type: teleport")
        .contains("no_output_timeout must look like 30s, 10m or 1.5h, got: ten minutes");
  }

  @Test
  void summaryOfARunIsCompactJson() throws Exception {
    JobResult r = h.run("j", List.of(run("a", "true"), run("b", "exit 2")), log);
    assertThat(Summary.toJson(r.outcome(), r.steps()))
        .matches("\\{\"outcome\":\"failed\",\"steps\":\\[\\{\"n\":\"a\",\"s\":\"success\",\"ms\":\\d+,\"x\":0},"
            + "\\{\"n\":\"b\",\"s\":\"failed\",\"ms\":\\d+,\"x\":2}]}");
    assertThat(Files.readString(tmp.resolve("jobs/j.0/shim/summary.json"))).contains("\"outcome\":\"failed\"");
  }

  @Test
  void stepNamesNoticesAndErrorsAreMaskedToo() throws Exception {
    String secret = "hunter2-very-secret";
    String token = "ghp_" + "A1b2C3d4E5".repeat(7);
    h.secrets = Map.of("API_KEY", secret, "GH_TOKEN", token);
    RecordingLog log = new RecordingLog();
    JobResult r = h.run("names", List.of(
        run("deploy with " + secret, "echo \"$API_KEY\" | base64; echo \"$API_KEY\" | base64 -w0 | tr '+/' '-_'; echo; "
            + "echo \"$GH_TOKEN\" | base64"),
        JobHarness.step("store_artifacts", Map.of("path", "missing-" + secret))), log);
    assertThat(log.text()).doesNotContain(secret)
        .doesNotContain(Base64.getEncoder().encodeToString((secret + "\n").getBytes(StandardCharsets.UTF_8)))
        .doesNotContain(Base64.getEncoder().encodeToString((token + "\n").getBytes(StandardCharsets.UTF_8)).substring(0, 40))
        .contains("deploy with ********");
    assertThat(r.steps()).extracting(StepResult::name).doesNotContain("deploy with " + secret);
    assertThat(Summary.toJson(r.outcome(), r.steps())).doesNotContain(secret);
  }
}
