package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.model.CompiledWorkflow;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forms of real configs that CircleCI accepts, one fixture per class (src/test/resources/compat),
 * each compiled for a push of main and checked for what CircleCI does with it.
 */
class CompatibilityTest {
  /** One row: a fixture, the trigger, and what the compile result must show. */
  record Case(String name, String fixture, PipelineContext ctx, Consumer<CompileResult> check) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("false when/unless drops its steps unchecked", "optional-step.yml", main(), r -> {
          assertThat(r.errors()).isEmpty();
          assertThat(commands(r, "main", "build")).containsExactly("./install.sh", "./install.sh", "./post.sh");
        }),
        new Case("arguments beside the step name are its arguments", "misindented-args.yml", main(), r -> {
          assertThat(r.errors()).isEmpty();
          assertThat(commands(r, "main", "build")).containsExactly("echo \"shipped to releases\"", "make test");
          assertThat(steps(r, "main", "build").get(1).name()).isEqualTo("Test");
          assertThat(messages(r.warnings())).anyMatch(m -> m.contains("arguments of step 'notify' sit beside its name"));
        }),
        new Case("hyphenated built-in steps in version 2", "hyphenated-v2.yml", main(), r -> {
          assertThat(r.errors()).isEmpty();
          assertThat(steps(r, "main", "build")).extracting(Step::type).containsExactly("checkout", "restore_cache", "run",
              "save_cache", "persist_to_workspace", "store_artifacts", "store_test_results", "add_ssh_keys",
              "setup_remote_docker");
          assertThat(steps(r, "main", "deploy").get(0).at()).isEqualTo("/tmp/ws");
        }),
        new Case("hyphenated built-in steps in version 2.1 are named", "hyphenated-v21.yml", main(), r ->
            assertThat(messages(r.errors())).containsExactly(
                "unknown step or command 'save-cache'; the built-in step is 'save_cache'")),
        new Case("top-level keys holding anchors", "anchor-keys.yml", main(), r -> {
          assertThat(r.errors()).isEmpty();
          assertThat(r.warnings()).isEmpty();
          assertThat(job(r, "main", "build").environment()).containsEntry("LANG", "C.UTF-8");
        }),
        new Case("unsupported options kept and named", "unsupported-options.yml", main(), r -> {
          assertThat(r.errors()).isEmpty();
          assertThat(job(r, "main", "image").unsupported()).containsEntry("docker_layer_caching", true);
          assertThat(steps(r, "main", "image").get(0).unsupported())
              .containsEntry("version", "20.10.18").containsEntry("docker_layer_caching", true);
          assertThat(job(r, "main", "vm").unsupported()).containsEntry("machine.docker_layer_caching", true);
          assertThat(messages(r.warnings())).hasSize(4).allMatch(m -> m.contains("not supported by Circlet"));
        }),
        new Case("options once accepted silently are named too", "silent-options.yml", main(), r -> {
          assertThat(r.errors()).isEmpty();
          assertThat(job(r, "main", "deploy").unsupported()).containsEntry("circleci_ip_ranges", true)
              .containsEntry("retention", java.util.Map.of("caches", "7d"));
          assertThat(messages(r.warnings())).hasSize(4)
              .anyMatch(m -> m.startsWith("'circleci_ip_ranges' in job 'deploy' is not supported by Circlet"))
              .anyMatch(m -> m.startsWith("'retention' in job 'deploy' is not supported by Circlet"))
              .anyMatch(m -> m.startsWith("'max_auto_reruns' in workflow 'main' is not supported by Circlet"))
              .anyMatch(m -> m.startsWith("auth is not used; registry credentials come from the Pipeline's pull secret"));
        }),
        new Case("pipeline values from the trigger", "pipeline-values.yml", PipelineContext.builder().branch("main")
            .revision("abc123").id("p-1").number(7).projectUrl("git@github.com:acme/app.git")
            .projectSlug("gh/acme/app").value("project.type", "github").build(), r -> {
          assertThat(job(r, "main", "build").environment()).containsEntry("REVISION", "abc123")
              .containsEntry("PIPELINE", "p-1/7").containsEntry("SLUG", "gh/acme/app").containsEntry("VCS", "github");
        }),
        new Case("scheduled workflow by name", "triggers.yml", PipelineContext.builder().branch("main")
            .triggerSource("scheduled_pipeline").schedule("nightly").build(), r -> {
          assertThat(r.workflows()).extracting(CompiledWorkflow::name).containsExactly("nightly");
        }),
        new Case("scheduled workflow by cron", "triggers.yml", PipelineContext.builder().branch("main")
            .triggerSource("scheduled_pipeline").cron("0  5 * * 1").build(), r -> {
          assertThat(r.workflows()).extracting(CompiledWorkflow::name).containsExactly("weekly");
        }),
        new Case("a push runs no scheduled workflow", "triggers.yml", main(), r -> {
          assertThat(r.workflows()).extracting(CompiledWorkflow::name).containsExactly("push");
          assertThat(r.workflow("push").jobs()).extracting(JobSpec::name).containsExactly("test");
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compilesLikeCircleCi(Case c) {
    String yaml = Fixtures.read(Fixtures.RESOURCES.resolve("compat").resolve(c.fixture()));
    c.check().accept(Fixtures.COMPILER.compile(ConfigSource.of(c.fixture(), yaml), c.ctx()));
  }

  private static PipelineContext main() {
    return PipelineContext.branch("main");
  }

  private static JobSpec job(CompileResult r, String workflow, String job) {
    assertThat(r.workflow(workflow)).as("workflow " + workflow).isNotNull();
    JobSpec j = r.workflow(workflow).job(job);
    assertThat(j).as("job " + job).isNotNull();
    return j;
  }

  private static List<Step> steps(CompileResult r, String workflow, String job) {
    return job(r, workflow, job).steps();
  }

  private static List<String> commands(CompileResult r, String workflow, String job) {
    return steps(r, workflow, job).stream().map(Step::command).toList();
  }

  private static List<String> messages(List<Diagnostic> ds) {
    return ds.stream().map(Diagnostic::message).toList();
  }
}
