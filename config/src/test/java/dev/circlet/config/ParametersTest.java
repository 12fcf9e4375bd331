package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import org.junit.jupiter.api.Test;

/** Parameter types, defaults, typed whole-scalar substitution, executors as parameters, escapes. */
class ParametersTest {
  private static JobSpec job(String yaml, String name) {
    return Fixtures.ok(yaml).workflows().get(0).job(name);
  }

  @Test
  void everyTypeWithDefaultsAndTypedInsertion() {
    String yaml = """
        version: 2.1
        executors:
          small:
            parameters: {tag: {type: string, default: "3.19"}}
            docker: [{image: "alpine:<< parameters.tag >>"}]
            resource_class: small
        jobs:
          all:
            parameters:
              s: {type: string, default: hello}
              b: {type: boolean, default: true}
              i: {type: integer, default: 3}
              e: {type: enum, enum: [x, y], default: y}
              v: {type: env_var_name, default: TOKEN}
              st: {type: steps, default: [{run: echo default-steps}]}
              ex: {type: executor, default: small}
            executor: << parameters.ex >>
            parallelism: << parameters.i >>
            steps:
              - run:
                  command: echo << parameters.s >> << parameters.e >> $<< parameters.v >> <<parameters.i>>
                  background: << parameters.b >>
              - steps: << parameters.st >>
              - run: echo \\<< not.a.parameter >> ${HOME}
        workflows:
          w:
            jobs:
              - all
              - all:
                  name: custom
                  s: "3.10"
                  b: false
                  i: 1
                  e: x
                  v: API_KEY
                  st: [checkout, {run: make}]
                  ex: {name: small, tag: "3.20"}
        """;
    JobSpec all = job(yaml, "all");
    assertThat(all.parallelism()).isEqualTo(3);
    assertThat(all.executor().images().get(0).image()).isEqualTo("alpine:3.19");
    assertThat(all.resourceClass()).isEqualTo("small");
    assertThat(all.steps()).extracting(Step::command)
        .containsExactly("echo hello y $TOKEN 3", "echo default-steps", "echo << not.a.parameter >> ${HOME}");
    assertThat(all.steps().get(0).background()).isTrue();

    JobSpec custom = job(yaml, "custom");
    assertThat(custom.parallelism()).isNull();
    assertThat(custom.executor().images().get(0).image()).isEqualTo("alpine:3.20");
    assertThat(custom.steps()).extracting(Step::type).containsExactly("run", "checkout", "run", "run");
    assertThat(custom.steps().get(0).command()).isEqualTo("echo 3.10 x $API_KEY 1");
    assertThat(custom.steps().get(0).background()).isNull();
  }

  @Test
  void parametersAreNotInheritedByNestedCommands() {
    String yaml = """
        version: 2.1
        commands:
          inner:
            parameters: {msg: {type: string}}
            steps: [{run: "echo << parameters.msg >>"}]
          outer:
            parameters: {msg: {type: string, default: outer-default}}
            steps:
              - inner: {msg: "from outer: << parameters.msg >>"}
        jobs:
          build:
            docker: [{image: alpine}]
            steps: [{outer: {msg: hi}}, outer]
        workflows: {w: {jobs: [build]}}
        """;
    assertThat(job(yaml, "build").steps()).extracting(Step::command)
        .containsExactly("echo from outer: hi", "echo from outer: outer-default");
  }

  @Test
  void pipelineParametersAndValues() {
    String yaml = """
        version: 2.1
        parameters:
          deploy: {type: boolean, default: false}
          replicas: {type: integer, default: 2}
          region: {type: enum, enum: [eu, us], default: eu}
        jobs:
          build:
            docker: [{image: alpine}]
            steps:
              - run: echo << pipeline.git.branch >> << pipeline.number >> << pipeline.parameters.region >> << pipeline.parameters.replicas >>
              - when:
                  condition: << pipeline.parameters.deploy >>
                  steps: [{run: deploy}]
        workflows: {w: {jobs: [build]}}
        """;
    PipelineContext ctx = PipelineContext.builder().branch("dev").number(42)
        .parameter("deploy", "true").parameter("replicas", "5").build();
    JobSpec j = Fixtures.ok(yaml, ctx).workflows().get(0).job("build");
    assertThat(j.steps()).extracting(Step::command).containsExactly("echo dev 42 eu 5", "deploy");

    CompileResult bad = Fixtures.compile(yaml, PipelineContext.builder().parameter("region", "asia")
        .parameter("nope", "1").build());
    assertThat(bad.errors()).extracting(Diagnostic::message).containsExactlyInAnyOrder(
        "unknown parameter 'nope' for the pipeline (known: deploy, replicas, region)",
        "parameter 'region': value 'asia' is not one of [eu, us]");
  }

  @Test
  void unknownArgumentAndStepsInTextAreErrors() {
    String yaml = """
        version: 2.1
        commands:
          c:
            parameters: {s: {type: steps, default: []}}
            steps: [{run: "echo << parameters.s >>"}]
        jobs:
          build:
            docker: [{image: alpine}]
            steps: [{c: {t: 1}}]
        workflows: {w: {jobs: [build]}}
        """;
    CompileResult r = Fixtures.compile(yaml);
    assertThat(r.errors()).extracting(Diagnostic::format).containsExactly(
        "config.yml:9:18: error: unknown parameter 't' for command 'c' (known: s)",
        "config.yml:5:19: error: 'parameters.s' is a list and cannot be used inside text");
  }

  @Test
  void badDeclarationsAreReported() {
    String yaml = """
        version: 2.1
        jobs:
          build:
            parameters:
              a: {type: strin}
              b: {type: enum, enum: [x], default: z}
              9c: {type: string}
            docker: [{image: alpine}]
            steps: [checkout]
        workflows: {w: {jobs: [build]}}
        """;
    assertThat(Fixtures.compile(yaml).errors()).extracting(Diagnostic::format).containsExactly(
        "config.yml:5:17: error: parameter 'a' has unsupported type 'strin'",
        "config.yml:6:43: error: default of parameter 'b': value 'z' is not one of [x]",
        "config.yml:7:7: error: parameter name '9c' must match [A-Za-z][A-Za-z0-9_-]*");
  }
}
