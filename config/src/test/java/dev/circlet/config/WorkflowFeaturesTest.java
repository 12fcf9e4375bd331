package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.model.CompiledWorkflow;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Workflow features: matrix, names, requires, approval and no-op jobs, filters, when/unless. */
class WorkflowFeaturesTest {
  private static final String JOBS = """
      version: 2.1
      jobs:
        build:
          parameters: {os: {type: string, default: linux}, v: {type: integer, default: 1}}
          docker: [{image: "img-<< parameters.os >>-<< parameters.v >>"}]
          steps: [checkout]
        gate:
          type: no-op
      """;

  private static CompiledWorkflow wf(String workflows) {
    return Fixtures.ok(JOBS + workflows).workflows().get(0);
  }

  @Test
  void matrixWithExcludeAliasAndMatrixInNameAndRequires() {
    CompiledWorkflow w = wf("""
        workflows:
          w:
            jobs:
              - build:
                  matrix:
                    alias: all-builds
                    parameters: {os: [linux, mac], v: [1, 2]}
                    exclude: [{os: mac, v: 1}]
              - build:
                  name: after-<< matrix.os >>
                  matrix: {parameters: {os: [linux, mac]}}
                  requires: [build-<< matrix.os >>-2]
              - gate:
                  requires: [all-builds]
        """);
    assertThat(w.jobs()).extracting(JobSpec::name)
        .containsExactly("build-linux-1", "build-linux-2", "build-mac-2", "after-linux", "after-mac", "gate");
    assertThat(w.job("build-mac-2").executor().images().get(0).image()).isEqualTo("img-mac-2");
    assertThat(w.job("after-mac").requires()).containsExactly("build-mac-2");
    assertThat(w.job("gate").requires()).containsExactly("build-linux-1", "build-linux-2", "build-mac-2");
    assertThat(w.job("gate").type()).isEqualTo("no-op");
    assertThat(w.job("gate").executor()).isNull();
    // each matrix instance names its matrix (the alias, else the job), so a UI can show them together
    assertThat(w.matrixGroups()).containsExactly(java.util.Map.entry("build-linux-1", "all-builds"),
        java.util.Map.entry("build-linux-2", "all-builds"), java.util.Map.entry("build-mac-2", "all-builds"),
        java.util.Map.entry("after-linux", "build"), java.util.Map.entry("after-mac", "build"));
  }

  @Test
  void requiresWithJobStatusesKeepTheStatusesPerRequiredJob() {
    CompiledWorkflow w = wf("""
        workflows:
          w:
            jobs:
              - build:
                  matrix: {alias: all, parameters: {os: [linux, mac]}}
              - gate: {name: notify-failure, requires: [{build-linux: failed}]}
              - gate: {name: cleanup, requires: [{all: terminal}]}
              - gate: {name: report, requires: [build-mac, {build-linux: [success, failed]}]}
        """);
    assertThat(w.job("notify-failure").requires()).containsExactly("build-linux");
    assertThat(w.job("notify-failure").requiredStatuses()).containsExactly(
        java.util.Map.entry("build-linux", List.of("failed")));
    assertThat(w.job("cleanup").requires()).containsExactly("build-linux", "build-mac");
    assertThat(w.job("cleanup").acceptedStatuses("build-mac")).containsExactly("terminal");
    assertThat(w.job("report").acceptedStatuses("build-mac")).as("a plain name waits for success").isEmpty();
    assertThat(w.job("report").acceptedStatuses("build-linux")).containsExactly("success", "failed");
    assertThat(ConfigProcessor.process(List.of(w)))
        .contains("      - notify-failure:\n          requires:\n            - build-linux: failed\n")
        .contains("            - build-linux:\n                - success\n                - failed\n");
  }

  @Test
  void repeatedUnnamedInvocationsAreNumberedAndRequiredTogether() {
    CompiledWorkflow w = wf("""
        workflows:
          w:
            jobs:
              - build: {os: a}
              - build: {os: b}
              - hold: {type: approval, requires: [build]}
        """);
    assertThat(w.jobs()).extracting(JobSpec::name).containsExactly("build-1", "build-2", "hold");
    assertThat(w.matrixGroups()).as("repeated invocations are not a matrix").isEmpty();
    assertThat(w.job("hold").requires()).containsExactly("build-1", "build-2");
    assertThat(w.job("hold").type()).isEqualTo("approval");
    assertThat(w.job("hold").steps()).isEmpty();
  }

  @Test
  void contextsSerialGroupPreAndPostSteps() {
    CompiledWorkflow w = wf("""
        workflows:
          w:
            jobs:
              - build:
                  context: org-global
                  serial-group: << pipeline.git.branch >>/deploy
                  pre-steps: [{run: echo pre}]
                  post-steps: [{store_artifacts: {path: out}}]
        """);
    JobSpec j = w.job("build");
    assertThat(j.contexts()).containsExactly("org-global");
    assertThat(j.serialGroup()).isEqualTo("main/deploy");
    assertThat(j.steps()).extracting(Step::type).containsExactly("run", "checkout", "store_artifacts");
  }

  static Stream<Arguments> filters() {
    String f = """
        workflows:
          w:
            jobs:
              - build: {name: plain}
              - build: {name: main-only, filters: {branches: {only: main}}}
              - build: {name: not-wip, filters: {branches: {ignore: ["/wip\\\\/.*/"]}}}
              - build: {name: release-tags, filters: {tags: {only: "/^v[0-9]+(\\\\.[0-9]+)*$/"}, branches: {ignore: /.*/}}}
              - build: {name: needs-tag-job, requires: [release-tags], filters: {tags: {only: /.*/}}}
              - build: {name: needs-untagged, requires: [plain], filters: {tags: {only: /.*/}}}
              - build: {name: expr, filters: pipeline.git.branch starts-with "rel" or pipeline.git.tag == "v9"}
        """;
    return Stream.of(
        Arguments.of(f, PipelineContext.branch("main"), List.of("plain", "main-only", "not-wip", "needs-untagged")),
        Arguments.of(f, PipelineContext.branch("wip/x"), List.of("plain", "needs-untagged")),
        Arguments.of(f, PipelineContext.branch("release/1"), List.of("plain", "not-wip", "needs-untagged", "expr")),
        Arguments.of(f, PipelineContext.tag("v1.2"), List.of("release-tags", "needs-tag-job")),
        Arguments.of(f, PipelineContext.tag("v1.2-rc"), List.of()),
        Arguments.of(f, PipelineContext.tag("v9"), List.of("release-tags", "needs-tag-job", "expr")));
  }

  @ParameterizedTest
  @MethodSource("filters")
  void branchAndTagFilters(String workflows, PipelineContext ctx, List<String> expected) {
    CompileResult r = Fixtures.ok(JOBS + workflows, ctx);
    List<String> names = r.workflows().isEmpty() ? List.of() : r.workflows().get(0).jobs().stream().map(JobSpec::name).toList();
    assertThat(names).containsExactlyElementsOf(expected);
    // validate() keeps every job regardless of the trigger.
    assertThat(Fixtures.COMPILER.validate(ConfigSource.of("c.yml", JOBS + workflows), ctx).workflows().get(0).jobs()).hasSize(7);
  }

  static Stream<Arguments> conditions() {
    return Stream.of(
        Arguments.of("when: true", true),
        Arguments.of("when: 0", false),
        Arguments.of("when: \"\"", false),
        Arguments.of("when: .nan", false),
        Arguments.of("unless: false", true),
        Arguments.of("when: {and: [true, {not: false}, {equal: [main, << pipeline.git.branch >>]}]}", true),
        Arguments.of("when: {or: [false, {equal: [1, 1.0, 1]}]}", true),
        Arguments.of("when: {matches: {pattern: \"^ma.n$\", value: << pipeline.git.branch >>}}", true),
        Arguments.of("when: {matches: {pattern: \"/ma/\", value: << pipeline.git.branch >>}}", false),
        Arguments.of("when: pipeline.git.branch == \"main\" and not (pipeline.trigger_source == \"api\")", true),
        Arguments.of("when: pipeline.git.branch != \"main\" or pipeline.number == 7", true),
        Arguments.of("unless: {equal: [scheduled_pipeline, << pipeline.trigger_source >>]}", true));
  }

  @ParameterizedTest
  @MethodSource("conditions")
  void workflowConditions(String condition, boolean runs) {
    String yaml = JOBS + "workflows:\n  w:\n    " + condition + "\n    jobs: [build]\n";
    CompileResult r = Fixtures.ok(yaml, PipelineContext.builder().branch("main").number(7).build());
    assertThat(r.workflows()).hasSize(runs ? 1 : 0);
    assertThat(r.workflowNames()).containsExactly("w");
  }

  @Test
  void stepConditionsAndEveryBuiltinStep() {
    String yaml = """
        version: 2.1
        jobs:
          build:
            machine: {image: ubuntu-2204:current}
            working_directory: ~/p
            shell: /bin/sh -eo pipefail
            environment: [A=1, {B: two}]
            steps:
              - checkout: {path: src, method: blobless}
              - when: {condition: {equal: [a, b]}, steps: [{run: never}]}
              - unless: {condition: {equal: [a, b]}, steps: [{run: always-here}]}
              - restore_cache: {key: "k-{{ .Environment.CACHE_VERSION }}-{{ epoch }}"}
              - save_cache: {key: "k-{{ arch }}-{{ .Revision }}", paths: [a, b], when: always}
              - persist_to_workspace: {root: ., paths: ["*.jar"]}
              - attach_workspace: {at: /tmp/ws}
              - store_artifacts: {path: out, destination: build}
              - store_test_results: {path: results}
              - add_ssh_keys
              - setup_remote_docker: {version: default}
              - deploy: {command: ./ship}
              - run: {name: x, command: make, shell: bash, environment: {X: "1"}, working_directory: sub, no_output_timeout: 1.5h, when: on_fail}
        workflows: {w: {jobs: [build]}}
        """;
    CompileResult r = Fixtures.ok(yaml);
    JobSpec j = r.workflows().get(0).job("build");
    assertThat(j.executor().kind()).isEqualTo("machine");
    assertThat(j.executor().machineImage()).isEqualTo("ubuntu-2204:current");
    assertThat(j.environment()).containsExactly(java.util.Map.entry("A", "1"), java.util.Map.entry("B", "two"));
    assertThat(j.steps()).extracting(Step::type).containsExactly("checkout", "run", "restore_cache", "save_cache",
        "persist_to_workspace", "attach_workspace", "store_artifacts", "store_test_results", "add_ssh_keys",
        "setup_remote_docker", "deploy", "run");
    assertThat(j.steps().get(0).method()).isEqualTo("blobless");
    assertThat(j.steps().get(2).key()).isEqualTo("k-{{ .Environment.CACHE_VERSION }}-{{ epoch }}");
    assertThat(j.steps().get(3).paths()).containsExactly("a", "b");
    Step run = j.steps().get(11);
    assertThat(run).isEqualTo(new Step("run", "x", "make", "bash", java.util.Map.of("X", "1"), null, "sub", "1.5h",
        "on_fail", null, null, null, null, null, null, null, null, null));
    assertThat(r.warnings()).extracting(Diagnostic::message).contains(
        "'deploy' is deprecated; it runs like 'run' (on node 0 after all nodes succeeded)");
  }

  @Test
  void setupConfigRunsWithPipelineInSetupTrue() {
    String config = """
        version: 2.1
        setup: << pipeline.parameters.dynamic >>
        parameters: {dynamic: {type: boolean, default: true}}
        jobs:
          generate:
            docker: [{image: cimg/base:current}]
            steps:
              - run: echo in_setup=<< pipeline.in_setup >>
        workflows:
          setup:
            jobs: [generate]
        """;
    String plain = config.replace("setup: << pipeline.parameters.dynamic >>\n", "");
    assertThat(Fixtures.ok(plain).workflows().get(0).job("generate").steps().get(0).command())
        .isEqualTo("echo in_setup=false");
    assertThat(Fixtures.ok(config.replace("<< pipeline.parameters.dynamic >>", "true")).workflows().get(0)
        .job("generate").steps().get(0).command()).isEqualTo("echo in_setup=true");
  }
}
