package dev.circlet.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.runner.model.BuildInfo;
import dev.circlet.runner.model.JobFile;
import dev.circlet.runner.model.Jobs;
import dev.circlet.runner.model.Steps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryAndJobFileTest {
  @Test
  void summaryStaysUnderFourKibKeepingFirstAndLastSteps() {
    List<StepResult> steps = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      steps.add(new StepResult(i, "step number " + i + " with a rather long descriptive name here", "success", 1234, 0));
    }
    steps.add(new StepResult(200, "the failing one", "failed", 5, 2));
    String json = Summary.toJson("failed", steps);
    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(Summary.MAX_BYTES);
    assertThat(json).startsWith("{\"outcome\":\"failed\",\"steps\":[{\"n\":\"step number 0 with a rather long descriptive nam\",\"s\"")
        .contains("{\"n\":\"the failing one\",\"s\":\"failed\",\"ms\":5,\"x\":2}").containsPattern("\"omitted\":\\d+}$");
  }

  @Test
  void parsesJobJsonInApiJobSpecForm() {
    String json = """
        {"job": {"name": "build", "type": "build", "requires": ["prep"],
                 "executor": {"kind": "docker", "images": [{"image": "cimg/node:20", "environment": {"A": "1"}},
                                                           {"image": "postgres:16", "name": "db"}]},
                 "resourceClass": "large", "workingDirectory": "~/app", "environment": {"X": "y"}, "parallelism": 3,
                 "steps": [{"type": "checkout"}, {"type": "run", "name": "t", "command": "make", "noOutputTimeout": "5m",
                            "background": true, "when": "always"},
                           {"type": "restore_cache", "keys": ["a-", "b-"]}],
                 "contexts": ["org-global"], "futureField": 1},
         "trigger": {"revision": "deadbeef", "branch": "main", "actor": "bob",
                     "repositoryUrl": "git@github.com:acme/shop.git"},
         "parallelIndex": 2, "parallelTotal": 3, "build": "shop-12-build-2", "buildNum": 12,
         "secrets": {"TOKEN": "abcd1234"}, "upstreamJobs": ["prep", "lint"]}""";
    JobFile f = JobFile.parse(json);
    assertThat(f.job().executor().images().get(1).name()).isEqualTo("db");
    assertThat(f.job().steps().get(1).noOutputTimeout()).isEqualTo("5m");
    assertThat(Steps.isBackground(f.job().steps().get(1))).isTrue();
    assertThat(f.job().steps().get(2).keys()).containsExactly("a-", "b-");
    assertThat(Jobs.parallelismOrOne(f.job())).isEqualTo(3);
    BuildInfo b = f.buildInfo();
    assertThat(b.nodeIndex()).isEqualTo(2);
    assertThat(b.projectUsername() + "/" + b.projectReponame()).isEqualTo("acme/shop");
    assertThat(b.buildNum()).isEqualTo(12);
    assertThat(f.secretsOrEmpty()).containsEntry("TOKEN", "abcd1234");
    assertThat(f.upstreamJobs()).containsExactly("prep", "lint");
  }

  @Test
  void parsesJobJsonWhoseEmptyFieldsAreLeftOut() {
    // api JSON omits empty lists and maps; the agent reads them as empty, and upstreamJobs as unknown
    JobFile f = JobFile.parse("""
        {"job": {"name": "lint", "executor": {"images": [{"image": "cimg/base:current"}]},
                 "steps": [{"type": "run", "command": "make lint"}, {"type": "store_artifacts", "path": "out"}]}}""");
    assertThat(f.job().requires()).isEmpty();
    assertThat(f.job().contexts()).isEmpty();
    assertThat(Jobs.type(f.job())).isEqualTo("build");
    assertThat(Jobs.executorKind(f.job())).isEqualTo("docker");
    assertThat(Jobs.primaryImageEnvironment(f.job())).isEmpty();
    assertThat(Jobs.parallelismOrOne(f.job())).isEqualTo(1);
    assertThat(Jobs.workingDirectoryOrDefault(f.job())).isEqualTo("~/project");
    assertThat(f.job().steps().get(0).environment()).isEmpty();
    assertThat(f.job().steps().get(0).keys()).isEmpty();
    assertThat(Steps.displayName(f.job().steps().get(0))).isEqualTo("make lint");
    assertThat(Steps.whenOrDefault(f.job().steps().get(0))).isEqualTo("on_success");
    assertThat(Steps.whenOrDefault(f.job().steps().get(1))).isEqualTo("always");
    assertThat(f.upstreamJobs()).isNull();
    assertThat(f.secretsOrEmpty()).isEmpty();
    assertThat(JobFile.parse("{\"job\": {\"name\": \"empty\"}}").job().steps()).isEmpty();
  }

  @Test
  void badJobJsonIsAOneLineError() {
    assertThatThrownBy(() -> JobFile.parse("{\"job\": [")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("job.json is not valid: ").message().doesNotContain("\n");
    assertThatThrownBy(() -> JobFile.parse("{\"trigger\": {}}")).hasMessage("job.json has no job with a name");
  }

  @Test
  void parsesDurations() {
    assertThat(JobRunner.parseDuration("90s").toMillis()).isEqualTo(90_000);
    assertThat(JobRunner.parseDuration("1.5m").toMillis()).isEqualTo(90_000);
    assertThat(JobRunner.parseDuration("2h").toMinutes()).isEqualTo(120);
    assertThatThrownBy(() -> JobRunner.parseDuration("5 minutes")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bashEnvPreludeOnlyForPosixShells() {
    assertThat(JobRunner.sourcesBashEnv(null)).isTrue();
    assertThat(JobRunner.sourcesBashEnv("/bin/sh -eo pipefail")).isTrue();
    assertThat(JobRunner.sourcesBashEnv("/usr/bin/python3")).isFalse();
  }
}
