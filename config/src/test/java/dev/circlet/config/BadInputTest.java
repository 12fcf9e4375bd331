package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input: each case names the exact line, column and reason of the first error. */
class BadInputTest {
  private static final String JOB = """
      jobs:
        build:
          docker: [{image: alpine}]
          steps: [checkout]
      """;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("invalid YAML", """
            version: 2.1
            jobs:
              build:
                steps: [checkout
            workflows: {}
            """, "config.yml:5:10: error: invalid YAML"),
        Arguments.of("tab indentation", "version: 2.1\njobs:\n\tbuild: {}\n", "config.yml:3:1: error: invalid YAML"),
        Arguments.of("missing version", "jobs: {}\n", "config.yml:1:1: error: missing 'version'"),
        Arguments.of("bad version", "version: 3\n", "config.yml:1:10: error: unsupported version '3'"),
        Arguments.of("unknown job in requires", "version: 2.1\n" + JOB + """
            workflows:
              w:
                jobs:
                  - build
                  - build:
                      name: again
                      requires: [biuld]
            """, "config.yml:12:22: error: job 'again' requires 'biuld', which is not a job of workflow 'w'"),
        Arguments.of("cycle", "version: 2.1\n" + JOB + """
            workflows:
              w:
                jobs:
                  - build:
                      name: a
                      requires: [b]
                  - build:
                      name: b
                      requires: [a]
            """, "config.yml:9:9: error: requires form a cycle: a -> b -> a"),
        Arguments.of("missing required parameter", """
            version: 2.1
            jobs:
              deploy:
                parameters:
                  env: {type: string}
                docker: [{image: alpine}]
                steps: [{run: ./deploy << parameters.env >>}]
            workflows:
              w:
                jobs:
                  - deploy
            """, "config.yml:11:9: error: missing required parameter 'env' of job 'deploy'"),
        Arguments.of("wrong parameter type", """
            version: 2.1
            jobs:
              test:
                parameters:
                  shards: {type: integer, default: 1}
                docker: [{image: alpine}]
                parallelism: << parameters.shards >>
                steps: [checkout]
            workflows:
              w:
                jobs:
                  - test:
                      shards: four
            """, "config.yml:13:19: error: parameter 'shards' must be an integer, got a string"),
        Arguments.of("enum value not allowed", """
            version: 2.1
            jobs:
              deploy:
                parameters:
                  env: {type: enum, enum: [staging, production]}
                docker: [{image: alpine}]
                steps: [{run: ./deploy << parameters.env >>}]
            workflows:
              w:
                jobs:
                  - deploy: {env: prod}
            """, "config.yml:11:23: error: parameter 'env': value 'prod' is not one of [staging, production]"),
        Arguments.of("unknown executor", """
            version: 2.1
            executors:
              node: {docker: [{image: node}]}
            jobs:
              build:
                executor: nodejs
                steps: [checkout]
            workflows: {w: {jobs: [build]}}
            """, "config.yml:6:15: error: unknown executor 'nodejs' (known: node)"),
        Arguments.of("unknown job", "version: 2.1\n" + JOB + "workflows: {w: {jobs: [biuld]}}\n",
            "config.yml:6:24: error: unknown job 'biuld'"),
        Arguments.of("unknown job status in requires", "version: 2.1\n" + JOB
            + "workflows: {w: {jobs: [build, {build: {name: after, requires: [{build: faild}]}}]}}\n",
            "config.yml:6:72: error: 'faild' is not a job status for requires; use one of success, failed, canceled, not_run, terminal"),
        Arguments.of("unknown command", """
            version: 2.1
            jobs:
              build:
                docker: [{image: alpine}]
                steps:
                  - checkout
                  - instal
            workflows: {w: {jobs: [build]}}
            """, "config.yml:7:9: error: unknown step or command 'instal'"),
        Arguments.of("unknown parameter reference", """
            version: 2.1
            commands:
              hi:
                parameters: {who: {type: string, default: you}}
                steps: [{run: echo << parameters.whom >>}]
            jobs:
              build:
                docker: [{image: alpine}]
                steps: [hi]
            workflows: {w: {jobs: [build]}}
            """, "config.yml:5:19: error: unknown parameter 'whom' in command 'hi'"),
        Arguments.of("bad no_output_timeout", """
            version: 2.1
            jobs:
              build:
                docker: [{image: alpine}]
                steps:
                  - run: {command: make, no_output_timeout: 10 minutes}
            workflows: {w: {jobs: [build]}}
            """, "config.yml:6:49: error: no_output_timeout '10 minutes' must look like 10m, 30s or 1.5h"),
        Arguments.of("job without executor", """
            version: 2.1
            jobs:
              build:
                steps: [checkout]
            workflows: {w: {jobs: [build]}}
            """, "config.yml:4:5: error: job 'build' has no executor"),
        Arguments.of("orbs in version 2.0", """
            version: 2
            orbs:
              node: circleci/node@5.1
            jobs:
              build: {docker: [{image: a}], steps: [checkout]}
            """, "config.yml:2:1: error: 'orbs' needs version: 2.1"),
        Arguments.of("no workflows and no build job", """
            version: 2
            jobs:
              test: {docker: [{image: a}], steps: [checkout]}
            """, "config.yml:2:1: error: a config without workflows runs the job 'build', which is not defined"),
        Arguments.of("missing registry orb", """
            version: 2.1
            orbs:
              node: circleci/node@5.1
            jobs:
              build: {docker: [{image: a}], steps: [checkout]}
            workflows: {w: {jobs: [build]}}
            """, "config.yml:3:9: error: orb circleci/node@5.1 is not in the orb store; @5.1 takes the newest 5.1.x"
                + " release found there, so save a release under its full version: circleci orb source"
                + " circleci/node@5.1.x > src/test/resources/orbs/circleci/node/5.1.x.yml"),
        Arguments.of("alias bomb", """
            version: 2.1
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            """, "config.yml:7:4: error: YAML aliases expand to more than 250000 values (alias bomb?)"),
        Arguments.of("recursive alias", "version: 2.1\na: &a [1, *a]\n", "config.yml:2:4: error: YAML alias refers to itself"),
        Arguments.of("bad regex filter", "version: 2.1\n" + JOB + """
            workflows:
              w:
                jobs:
                  - build: {filters: {branches: {only: /feat(/}}}
            """, "config.yml:9:44: error: invalid regular expression /feat(/"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsTheExactPlace(String name, String yaml, String expected) {
    CompileResult r = Fixtures.compile(yaml);
    assertThat(r.ok()).as("ok").isFalse();
    assertThat(r.errors().get(0).format()).startsWith(expected);
    assertThat(r.errors().get(0).format()).doesNotContain("\n");
  }
}
