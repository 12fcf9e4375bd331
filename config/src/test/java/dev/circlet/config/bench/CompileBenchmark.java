package dev.circlet.config.bench;

import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.PipelineContext;
import dev.circlet.config.orbs.OrbStore;
import java.util.Arrays;

/**
 * Measures warm compile time of a generated config: about 1,000 lines, 100 jobs, commands with
 * parameters, a parameterised executor and a 3×4 matrix. Prints median and p90 over N runs.
 * Run: {@code mvn -pl config test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.circlet.config.bench.CompileBenchmark [-Dexec.args="200"]}.
 */
public final class CompileBenchmark {
  private CompileBenchmark() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    String yaml = generate(100);
    ConfigSource source = ConfigSource.of("bench.yml", yaml);
    ConfigCompiler compiler = new ConfigCompiler(OrbStore.empty());
    PipelineContext ctx = PipelineContext.branch("main");
    CompileResult first = compiler.compile(source, ctx);
    if (!first.ok()) {
      throw new IllegalStateException("generated config does not compile: " + first.errors());
    }
    int jobs = first.workflows().stream().mapToInt(w -> w.jobs().size()).sum();
    for (int i = 0; i < 1000; i++) {
      compiler.compile(source, ctx);
    }
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      compiler.compile(source, ctx);
      nanos[i] = System.nanoTime() - t;
    }
    Arrays.sort(nanos);
    System.out.printf("config: %d lines, %d compiled jobs%n", yaml.split("\n").length, jobs);
    System.out.printf("warm compile over %d runs: median %.2f ms, p90 %.2f ms, min %.2f ms%n", runs,
        nanos[runs / 2] / 1e6, nanos[(int) (runs * 0.9)] / 1e6, nanos[0] / 1e6);
  }

  /** A config with {@code n} jobs (each about 9 lines) plus shared commands, an executor and a matrix job. */
  static String generate(int n) {
    StringBuilder b = new StringBuilder();
    b.append("""
        version: 2.1
        parameters:
          deploy: {type: boolean, default: false}
        executors:
          node:
            parameters:
              tag: {type: string, default: "20.11"}
            docker:
              - image: cimg/node:<< parameters.tag >>
              - image: cimg/postgres:16.2
                environment: {POSTGRES_USER: app}
            resource_class: medium
        commands:
          install:
            parameters:
              dir: {type: string, default: "."}
            steps:
              - restore_cache:
                  keys:
                    - deps-{{ checksum "<< parameters.dir >>/package-lock.json" }}
                    - deps-
              - run:
                  name: npm ci in << parameters.dir >>
                  command: npm ci
                  working_directory: << parameters.dir >>
              - save_cache:
                  key: deps-{{ checksum "<< parameters.dir >>/package-lock.json" }}
                  paths: [<< parameters.dir >>/node_modules]
        jobs:
          matrix-test:
            parameters:
              node: {type: string}
              shard: {type: integer}
            executor: {name: node, tag: << parameters.node >>}
            steps:
              - checkout
              - install
              - run: npm test -- --shard=<< parameters.shard >>/4
        """);
    for (int i = 0; i < n; i++) {
      b.append("  job-").append(i).append(":\n")
          .append("    executor: node\n")
          .append("    steps:\n")
          .append("      - checkout\n")
          .append("      - install: {dir: pkg-").append(i).append("}\n")
          .append("      - run:\n")
          .append("          name: test ").append(i).append("\n")
          .append("          command: npm test --workspace pkg-").append(i).append("\n")
          .append("      - store_test_results: {path: pkg-").append(i).append("/reports}\n");
    }
    b.append("workflows:\n  ci:\n    jobs:\n");
    b.append("""
              - matrix-test:
                  matrix:
                    parameters:
                      node: ["18.19", "20.11", "22.1"]
                      shard: [1, 2, 3, 4]
        """);
    for (int i = 0; i < n; i++) {
      b.append("      - job-").append(i);
      if (i > 0) {
        b.append(":\n          requires: [job-").append(i / 2).append("]\n");
        if (i % 10 == 0) {
          b.append("          filters: {branches: {ignore: /wip\\/.*/}}\n");
        }
      } else {
        b.append('\n');
      }
    }
    b.append("""
          - deploy-gate:
              type: approval
              requires: [matrix-test]
    """);
    return b.toString();
  }
}
