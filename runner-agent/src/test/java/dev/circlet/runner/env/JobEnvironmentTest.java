package dev.circlet.runner.env;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.model.ContainerImage;
import dev.circlet.config.model.Executor;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import dev.circlet.runner.model.BuildInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobEnvironmentTest {
  static final BuildInfo PR = new BuildInfo("sha1", "feature", null, "git@github.com:acme/api.git", "carol",
      "https://github.com/acme/api/pull/17", 9, 8, "https://ci/9", "wf", "wf/j", "wf", 1, 4);

  static final JobSpec JOB = new JobSpec("test", "build", List.of(),
      new Executor("docker", List.of(new ContainerImage("img", null, null, null, null, Map.of("V", "image", "IMG", "i"))), null),
      null, null, null, Map.of("V", "job", "JOBV", "j"), 4, List.of(), List.of(), null);

  static Stream<Arguments> precedence() {
    return Stream.of(
        // variable, step env, expected: step > job > image > built-ins > secrets
        Arguments.of("V", Map.of("V", "step"), "step"),
        Arguments.of("V", Map.of(), "job"),
        Arguments.of("IMG", Map.of(), "i"),
        Arguments.of("CIRCLE_BRANCH", Map.of(), "feature"),
        Arguments.of("ONLY_SECRET", Map.of(), "s"),
        Arguments.of("CIRCLE_JOB", Map.of("CIRCLE_JOB", "overridden"), "overridden"));
  }

  @ParameterizedTest
  @MethodSource("precedence")
  void precedence(String var, Map<String, String> stepEnv, String expected) {
    Map<String, String> builtIns = JobEnvironment.builtIns(PR, JOB, "/w", "/h", "/b", "/a", "/t");
    JobEnvironment env = new JobEnvironment(
        Map.of("V", "secret", "CIRCLE_BRANCH", "secret", "ONLY_SECRET", "s"), builtIns, JOB);
    Step step = new Step("run", null, "x", null, stepEnv, null, null, null, null, null, null, null, null, null,
        null, null, null, null);
    assertThat(env.forStep(step)).containsEntry(var, expected);
  }

  @Test
  void builtInsHaveMeaningfulValues() {
    Map<String, String> b = JobEnvironment.builtIns(PR, JOB, "/w", "/h", "/b", "/a", "/t");
    assertThat(b).containsEntry("CI", "true").containsEntry("CIRCLECI", "true")
        .containsEntry("CIRCLE_SHA1", "sha1").containsEntry("CIRCLE_BUILD_NUM", "9")
        .containsEntry("CIRCLE_PREVIOUS_BUILD_NUM", "8").containsEntry("CIRCLE_BUILD_URL", "https://ci/9")
        .containsEntry("CIRCLE_NODE_INDEX", "1").containsEntry("CIRCLE_NODE_TOTAL", "4")
        .containsEntry("CIRCLE_PROJECT_USERNAME", "acme").containsEntry("CIRCLE_PROJECT_REPONAME", "api")
        .containsEntry("CIRCLE_PR_NUMBER", "17").containsEntry("CIRCLE_PULL_REQUEST", "https://github.com/acme/api/pull/17")
        .containsEntry("CI_PULL_REQUESTS", "https://github.com/acme/api/pull/17")
        .containsEntry("CIRCLE_WORKFLOW_JOB_ID", "wf/j").containsEntry("CIRCLE_WORKING_DIRECTORY", "/w")
        .containsEntry("BASH_ENV", "/b").containsEntry("HOME", "/h").containsEntry("CIRCLE_USERNAME", "carol")
        .doesNotContainKey("CIRCLE_TAG");
  }

  @Test
  void shellExportsQuoteEverythingAndSkipNonIdentifiers() {
    assertThat(JobEnvironment.toShellExports(new java.util.LinkedHashMap<>(Map.of("A", "it's $HOME `x`"))))
        .isEqualTo("export A='it'\\''s $HOME `x`'\n");
    assertThat(JobEnvironment.toShellExports(Map.of("NOT-VALID", "x"))).isEmpty();
  }

  @Test
  void pathsResolveAgainstHomeAndWorkingDirectory() {
    PathResolver r = new PathResolver(Path.of("/home/c"), Path.of("/home/c/project"));
    assertThat(r.resolve("~/.cache")).isEqualTo(Path.of("/home/c/.cache"));
    assertThat(r.resolve("dist/../out")).isEqualTo(Path.of("/home/c/project/out"));
    assertThat(r.resolve("/abs")).isEqualTo(Path.of("/abs"));
    assertThat(r.resolve(null)).isEqualTo(Path.of("/home/c/project"));
  }
}
