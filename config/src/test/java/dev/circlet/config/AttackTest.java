package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Configs written to stall or exhaust the compiler: each must end quickly with one clear error at
 * the line and column that crossed a limit. The timeout only guards against a hang; nothing here
 * measures speed.
 */
class AttackTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);
  private static final String JOB = """
      jobs:
        build: {docker: [{image: alpine}], steps: [checkout]}
      """;

  private static CompileResult compile(String yaml, PipelineContext ctx) {
    return assertTimeoutPreemptively(HANG_GUARD, () -> Fixtures.compile(yaml, ctx));
  }

  private static String firstError(CompileResult r) {
    assertThat(r.ok()).as("ok").isFalse();
    return r.errors().get(0).format();
  }

  @Test
  void catastrophicBacktrackingInABranchFilter() {
    String yaml = "version: 2.1\n" + JOB + """
        workflows:
          w:
            jobs:
              - build: {filters: {branches: {only: /((a+)+)+$/}}}
        """;
    CompileResult r = compile(yaml, PipelineContext.branch("a".repeat(40) + "!"));
    assertThat(firstError(r)).startsWith("config.yml:7:44: error: regular expression /((a+)+)+$/ is too expensive"
        + " to match against '" + "a".repeat(40) + "!'");
  }

  @Test
  void catastrophicBacktrackingInAMatchesCondition() {
    String yaml = "version: 2.1\n" + JOB + """
        workflows:
          w:
            when:
              matches: {pattern: "(.*a){25}", value: << pipeline.git.branch >>}
            jobs: [build]
        """;
    CompileResult r = compile(yaml, PipelineContext.branch("a".repeat(30) + "!"));
    assertThat(firstError(r)).startsWith("config.yml:7:26: error: regular expression /(.*a){25}/ is too expensive");
  }

  @Test
  void catastrophicBacktrackingInALegacyScheduleFilter() {
    String yaml = "version: 2.1\n" + JOB + """
        workflows:
          nightly:
            triggers:
              - schedule:
                  cron: "0 3 * * *"
                  filters: {branches: {only: ["/((a+)+)+$/"]}}
            jobs: [build]
        """;
    PipelineContext ctx = PipelineContext.builder().branch("a".repeat(40) + "!").triggerSource("scheduled_pipeline")
        .schedule("nightly").build();
    assertThat(firstError(compile(yaml, ctx))).startsWith("config.yml:7:7: error: regular expression /((a+)+)+$/ is too expensive");
  }

  @Test
  void aMillionJobMatrix() {
    String params = IntStream.range(0, 6).mapToObj(i -> "              p" + i + ": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]")
        .collect(Collectors.joining("\n"));
    String yaml = """
        version: 2.1
        jobs:
          build:
            parameters: {p0: {type: integer}, p1: {type: integer}, p2: {type: integer}, p3: {type: integer}, p4: {type: integer}, p5: {type: integer}}
            docker: [{image: alpine}]
            steps: [checkout]
        workflows:
          w:
            jobs:
              - build:
                  matrix:
                    parameters:
        """ + params + "\n";
    assertThat(firstError(compile(yaml, PipelineContext.branch("main")))).isEqualTo("config.yml:12:13: error: matrix has"
        + " 1000000 combinations (10 × 10 × 10 × 10 × 10 × 10); at most 256 are allowed");
  }

  @Test
  void commandFanOut() {
    StringBuilder yaml = new StringBuilder("version: 2.1\ncommands:\n  c0: {steps: [{run: echo hi}]}\n");
    for (int i = 1; i <= 7; i++) {
      String call = "c" + (i - 1);
      yaml.append("  c").append(i).append(": {steps: [").append(String.join(", ", java.util.Collections.nCopies(10, call)))
          .append("]}\n");
    }
    yaml.append("jobs:\n  build: {docker: [{image: alpine}], steps: [c7]}\nworkflows: {w: {jobs: [build]}}\n");
    assertThat(yaml.length()).isLessThan(1024);
    assertThat(firstError(compile(yaml.toString(), PipelineContext.branch("main"))))
        .matches("config\\.yml:\\d+:\\d+: error: the config expands to more than 50000 steps .*");
  }

  @Test
  void commandFanOutWithEmptyCommandsStillCounts() {
    StringBuilder yaml = new StringBuilder("version: 2.1\ncommands:\n  c0: {steps: []}\n");
    for (int i = 1; i <= 8; i++) {
      String call = "c" + (i - 1);
      yaml.append("  c").append(i).append(": {steps: [").append(String.join(", ", java.util.Collections.nCopies(10, call)))
          .append("]}\n");
    }
    yaml.append("jobs:\n  build: {docker: [{image: alpine}], steps: [c8]}\nworkflows: {w: {jobs: [build]}}\n");
    assertThat(firstError(compile(yaml.toString(), PipelineContext.branch("main"))))
        .matches("config\\.yml:\\d+:\\d+: error: the config expands to more than 50000 steps .*");
  }

  @Test
  void aParameterThatDoublesAtEachCommandLevel() {
    StringBuilder yaml = new StringBuilder("""
        version: 2.1
        commands:
          d0:
            parameters: {s: {type: string}}
            steps: [{run: "echo << parameters.s >>"}]
        """);
    for (int i = 1; i <= 30; i++) {
      yaml.append("  d").append(i).append(":\n    parameters: {s: {type: string}}\n    steps: [{d").append(i - 1)
          .append(": {s: \"<< parameters.s >><< parameters.s >>\"}}]\n");
    }
    yaml.append("jobs:\n  build: {docker: [{image: alpine}], steps: [{d30: {s: xxxxxxxxxxxxxxxx}}]}\n");
    yaml.append("workflows: {w: {jobs: [build]}}\n");
    assertThat(firstError(compile(yaml.toString(), PipelineContext.branch("main"))))
        .matches("config\\.yml:\\d+:\\d+: error: parameter substitution builds more than 32000000 characters of text.*");
  }

  @Test
  void tooManyJobs() {
    String params = "            p: [" + IntStream.range(0, 250).mapToObj(String::valueOf).collect(Collectors.joining(", ")) + "]";
    StringBuilder yaml = new StringBuilder("""
        version: 2.1
        jobs:
          build:
            parameters: {p: {type: integer}}
            docker: [{image: alpine}]
            steps: [checkout]
        workflows:
          w:
            jobs:
        """);
    for (int i = 0; i < 9; i++) {
      yaml.append("      - build:\n          name: b").append(i).append("-<< matrix.p >>\n          matrix:\n")
          .append("            alias: b").append(i).append("\n            parameters:\n  ").append(params).append("\n");
    }
    // 8 × 250 = 2,000 jobs fit; the ninth entry crosses the limit.
    assertThat(firstError(compile(yaml.toString(), PipelineContext.branch("main"))))
        .startsWith("config.yml:58:9: error: the config expands to more than 2000 jobs");
  }

  @Test
  void deeplyNestedYaml() {
    String yaml = "version: 2.1\nx: " + "[".repeat(50_000) + "]".repeat(50_000) + "\n";
    assertThat(firstError(compile(yaml, PipelineContext.branch("main"))))
        .isEqualTo("config.yml:2:303: error: YAML nesting is deeper than 300 levels");
  }

  @Test
  void deeplyNestedExpression() {
    String expr = "(".repeat(20_000) + "pipeline.git.branch == \"main\"" + ")".repeat(20_000);
    String yaml = "version: 2.1\n" + JOB + "workflows:\n  w:\n    when: '" + expr + "'\n    jobs: [build]\n";
    assertThat(firstError(compile(yaml, PipelineContext.branch("main"))))
        .isEqualTo("config.yml:6:11: error: invalid expression: parentheses and 'not' nest deeper than 100 levels");
  }
}
