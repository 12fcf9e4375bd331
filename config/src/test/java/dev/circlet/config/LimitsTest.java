package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.config.orbs.OrbStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Callers choose their limits; each one is enforced where the config crosses it. */
class LimitsTest {
  private static CompileResult compile(CompileLimits limits, String yaml) {
    return new ConfigCompiler(OrbStore.empty(), limits).compile(ConfigSource.of("c.yml", yaml), PipelineContext.branch("main"));
  }

  private static final String MATRIX = """
      version: 2.1
      jobs:
        build:
          parameters: {a: {type: integer}, b: {type: integer}, c: {type: integer}}
          docker: [{image: alpine}]
          steps: [checkout]
      workflows:
        w:
          jobs:
            - build:
                matrix:
                  parameters: {a: [1, 2, 3, 4, 5, 6, 7], b: [1, 2, 3, 4, 5, 6, 7], c: [1, 2, 3, 4, 5, 6]}
      """;

  @Test
  void aLargerMatrixFitsWhenTheCallerAllowsIt() {
    assertThat(compile(CompileLimits.DEFAULT, MATRIX).errors()).extracting(Diagnostic::format)
        .containsExactly("c.yml:12:13: error: matrix has 294 combinations (7 × 7 × 6); at most 256 are allowed");
    CompileResult r = compile(CompileLimits.DEFAULT.withMaxMatrixCombinations(300), MATRIX);
    assertThat(r.errors()).isEmpty();
    assertThat(r.workflows().get(0).jobs()).hasSize(294);
  }

  @Test
  void jobsStepsDepthAndTextEachHaveTheirOwnLimit() {
    String yaml = """
        version: 2.1
        commands:
          inner: {parameters: {s: {type: string}}, steps: [{run: "echo << parameters.s >>"}]}
          outer: {steps: [{inner: {s: hello}}, {inner: {s: world}}]}
        jobs:
          build: {docker: [{image: alpine}], steps: [outer, outer]}
        workflows: {w: {jobs: [build, {build: {name: again}}]}}
        """;
    assertThat(compile(CompileLimits.DEFAULT, yaml).errors()).isEmpty();
    assertThat(compile(CompileLimits.DEFAULT.withMaxJobs(1), yaml).errors()).extracting(Diagnostic::format)
        .singleElement().asString().startsWith("c.yml:7:32: error: the config expands to more than 1 jobs");
    // Per job: 2 × outer + 2 × 2 × inner + 4 runs = 10 step expansions; the second job crosses 15.
    assertThat(compile(CompileLimits.DEFAULT.withMaxSteps(15), yaml).errors()).extracting(Diagnostic::format)
        .singleElement().asString().matches("c\\.yml:\\d+:\\d+: error: the config expands to more than 15 steps .*");
    assertThat(compile(CompileLimits.DEFAULT.withMaxCommandDepth(1), yaml).errors()).extracting(Diagnostic::format)
        .contains("c.yml:4:19: error: commands nest deeper than 1 levels (does 'inner' invoke itself?)");
    assertThat(compile(CompileLimits.DEFAULT.withMaxSubstitutedChars(20), yaml).errors()).extracting(Diagnostic::format)
        .singleElement().asString().startsWith("c.yml:3:58: error: parameter substitution builds more than 20 characters");
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> CompileLimits.DEFAULT.withMaxJobs(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompileLimits.DEFAULT.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
