package dev.circlet.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.cli.Circlet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code circlet config validate|process} through picocli, with output captured. */
class ConfigCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Circlet());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private static final String CONFIG = """
      version: 2.1
      parameters:
        greeting: {type: string, default: hello}
      orbs:
        kit: acme/kit@1.0
      jobs:
        build:
          docker: [{image: alpine}]
          steps:
            - run: echo << pipeline.parameters.greeting >>
            - kit/hi
      workflows:
        main:
          jobs:
            - build
            - build:
                name: release
                filters: {tags: {only: /^v.*/}, branches: {ignore: /.*/}}
        other:
          jobs: [build]
      """;
  private static final String ORB = """
      commands:
        hi:
          steps: [{run: echo from-orb}]
      """;

  @Test
  void validateAcceptsAValidConfigWithOrbsBesideIt() throws IOException {
    Path config = write(".circleci/config.yml", CONFIG + "aliases: {}\n");
    write(".circleci/orbs/acme/kit/1.0.2.yml", ORB);
    Run r = run("config", "validate", config.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo(config + ": valid (workflows: main, other)\n");
    assertThat(r.err()).isEqualTo(config + ":21:1: warning: unknown key 'aliases' in the config is ignored\n");
  }

  @Test
  void validateReportsFileLineColumnAndExitsOne() throws IOException {
    Path config = write("config.yml", CONFIG);
    Path cache = dir.resolve("cache");
    Run r = run("config", "validate", config.toString(), "--offline", "--orb-cache", cache.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith(config + ":5:8: error: orb acme/kit@1.0 is not in the orb store; @1.0 takes the newest"
        + " 1.0.x release found there, so save a release under its full version: circleci orb source acme/kit@1.0.x > "
        + dir.resolve("orbs/acme/kit/1.0.x.yml"));
    assertThat(r.err()).contains("; or offline, and the orb cache " + cache + " has no copy of acme/kit@1.0");
    // The orb's missing command is not reported again.
    assertThat(r.err()).endsWith(config + ": invalid (1 error)\n").doesNotContain("kit/hi");
  }

  @Test
  void orbDirOptionAndEnvironmentFallback() throws IOException {
    Path config = write("config.yml", CONFIG);
    write("vendored/acme/kit/1.0.0.yml", ORB);
    Run r = run("config", "validate", "--orb-dir", dir.resolve("vendored").toString(), config.toString());
    assertThat(r.code()).isZero();
  }

  @Test
  void processPrintsTheExpandedConfigForABranch() throws IOException {
    Path config = write("config.yml", CONFIG);
    write("orbs/acme/kit/1.0.0.yml", ORB);
    Run r = run("config", "process", config.toString(), "--param", "greeting=hi there", "--branch", "main",
        "--workflow", "main");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("""
        version: 2
        jobs:
          build:
            docker:
              - image: alpine
            steps:
              - run:
                  command: echo hi there
              - run:
                  command: echo from-orb
        workflows:
          main:
            jobs:
              - build
        """);
  }

  @Test
  void processForATagKeepsOnlyTagFilteredJobs() throws IOException {
    Path config = write("config.yml", CONFIG);
    write("orbs/acme/kit/1.0.0.yml", ORB);
    Run r = run("config", "process", config.toString(), "--tag", "v1.0");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("  release:\n").doesNotContain("other:").contains("      - release\n");
  }

  @Test
  void processRejectsBranchAndTagTogetherAndUnknownWorkflows() throws IOException {
    Path config = write("config.yml", CONFIG);
    write("orbs/acme/kit/1.0.0.yml", ORB);
    assertThat(run("config", "process", config.toString(), "--branch", "a", "--tag", "b").code()).isEqualTo(2);
    Run r = run("config", "process", config.toString(), "--workflow", "nope");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo(config + ": error: no workflow named 'nope' (defined: main, other)\n");
  }

  @Test
  void processRejectsAWrongParameterType() throws IOException {
    Path config = write("config.yml", CONFIG.replace("greeting: {type: string, default: hello}",
        "greeting: {type: boolean, default: true}"));
    write("orbs/acme/kit/1.0.0.yml", ORB);
    Run r = run("config", "process", config.toString(), "--param", "greeting=maybe");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo(config + ":3:3: error: parameter 'greeting' must be a boolean, got a string\n");
  }

  @Test
  void missingFileIsOneLine() {
    Run r = run("config", "validate", dir.resolve("absent.yml").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith(dir.resolve("absent.yml") + ": error: cannot read the config").endsWith("\n");
    assertThat(r.err().strip()).doesNotContain("\n");
  }

  @Test
  void processRendersBooleanSections() throws IOException {
    Path config = write("config.yml", """
        version: 2.1
        parameters:
          verbose: {type: boolean, default: false}
        commands:
          test:
            parameters: {race: {type: boolean, default: true}}
            steps:
              - run: go test<<# parameters.race >> -race<</ parameters.race >><<# pipeline.parameters.verbose >> -v<</ pipeline.parameters.verbose >> ./...
        jobs:
          build:
            docker: [{image: golang}]
            steps: [test, {test: {race: false}}]
        workflows: {main: {jobs: [build]}}
        """);
    Run r = run("config", "process", config.toString(), "--param", "verbose=true");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("command: go test -race -v ./...\n", "command: go test -v ./...\n").doesNotContain("<<");
  }

  @Test
  void validateAndProcessApplyTheCompileLimits() throws IOException {
    Path config = write("config.yml", """
        version: 2.1
        jobs:
          build:
            parameters: {a: {type: integer}, b: {type: integer}, c: {type: integer}}
            docker: [{image: alpine}]
            steps: [checkout]
        workflows:
          main:
            jobs:
              - build:
                  matrix:
                    parameters: {a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], c: [1, 2, 3]}
        """);
    String expected = config + ":12:13: error: matrix has 300 combinations (10 × 10 × 3); at most 256 are allowed\n";
    Run v = run("config", "validate", config.toString());
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.err()).startsWith(expected);
    Run p = run("config", "process", config.toString(), "--branch", "main");
    assertThat(p.code()).isEqualTo(1);
    assertThat(p.err()).isEqualTo(expected);
  }
}
