package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Realistic configs compiled for a trigger and compared with golden processed output. */
class RealisticGoldenTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("monorepo", "default", PipelineContext.branch("main")),
        Arguments.of("monorepo", "web-only", PipelineContext.builder().branch("feature/x")
            .parameter("run-api", "false").parameter("run-web", "true").parameter("node-version", "18.19").build()),
        Arguments.of("matrix", "main", PipelineContext.branch("main")),
        Arguments.of("fanout", "main", PipelineContext.branch("main")),
        Arguments.of("services", "main", PipelineContext.branch("main")),
        Arguments.of("deploy", "tag", PipelineContext.builder().tag("v1.4.0").projectSlug("gh/acme/shop").build()),
        Arguments.of("deploy", "main", PipelineContext.builder().branch("main").projectSlug("gh/acme/shop").build()),
        Arguments.of("deploy", "feature", PipelineContext.builder().branch("feature/login").build()),
        Arguments.of("nightly", "push", PipelineContext.branch("main")),
        Arguments.of("nightly", "scheduled", PipelineContext.builder().branch("main")
            .triggerSource("scheduled_pipeline").schedule("nightly-main").build()),
        Arguments.of("nightly", "legacy-schedule", PipelineContext.builder().branch("main")
            .triggerSource("scheduled_pipeline").schedule("weekly-audit").build()),
        Arguments.of("inline-orb", "main", PipelineContext.branch("main")),
        Arguments.of("registry-orb", "main", PipelineContext.branch("main")));
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("cases")
  void matchesGolden(String config, String variant, PipelineContext ctx) {
    Path dir = Fixtures.RESOURCES.resolve("realistic");
    String yaml = Fixtures.read(dir.resolve(config + ".yml"));
    CompileResult r = Fixtures.COMPILER.compile(ConfigSource.of(config + ".yml", yaml), ctx);
    assertThat(r.errors()).as("errors").isEmpty();
    StringBuilder out = new StringBuilder();
    out.append("# workflows defined: ").append(String.join(", ", r.workflowNames())).append('\n');
    r.warnings().forEach(w -> out.append("# ").append(w.format()).append('\n'));
    r.schedules().forEach(s -> out.append("# schedule: ").append(s).append('\n'));
    String processed = ConfigProcessor.process(r.workflows());
    out.append(processed);
    Fixtures.assertGolden(dir.resolve(config + "." + variant + ".golden.yml"), out.toString());

    // The processed config is itself a valid config that compiles to the same jobs.
    CompileResult again = Fixtures.COMPILER.validate(ConfigSource.of("processed.yml", processed),
        new PipelineContext(ctx.values(), java.util.Map.of()));
    assertThat(again.errors()).as("errors in processed output").isEmpty();
    // Matrices are expanded in the processed config, so which matrix a job came from is not in it.
    assertThat(withoutMatrixGroups(again.workflows())).isEqualTo(withoutMatrixGroups(r.workflows()));
  }

  private static java.util.List<dev.circlet.config.model.CompiledWorkflow> withoutMatrixGroups(
      java.util.List<dev.circlet.config.model.CompiledWorkflow> workflows) {
    return workflows.stream().map(w -> new dev.circlet.config.model.CompiledWorkflow(w.name(), w.jobs(),
        w.conditions(), w.filters())).toList();
  }
}
