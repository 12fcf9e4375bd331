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

/** {@code config process} with and without a trigger, scheduled triggers, and pipeline values from flags. */
class ProcessTriggersTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static final String CONFIG = """
      version: 2.1
      parameters:
        deploy: {type: boolean, default: false}
      jobs:
        test:
          docker: [{image: alpine}]
          steps: [{run: make test}]
        release:
          docker: [{image: alpine}]
          steps: [{run: echo << pipeline.git.revision >> << pipeline.project.slug >>}]
      workflows:
        push:
          jobs:
            - test
            - release:
                requires: [test]
                filters: {branches: {ignore: /.*/}, tags: {only: /^v.*/}}
        deploy:
          when: << pipeline.parameters.deploy >>
          jobs: [release]
        nightly:
          triggers:
            - schedule: {cron: "0 3 * * *", filters: {branches: {only: [main]}}}
          jobs: [test]
        weekly:
          triggers:
            - schedule: {cron: "0 5 * * 1", filters: {branches: {only: [main]}}}
          jobs: [release]
      """;

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Circlet());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path config() throws IOException {
    Path p = dir.resolve("config.yml");
    Files.writeString(p, CONFIG);
    return p;
  }

  @Test
  void withoutATriggerFiltersTriggersAndWhenAreKept() throws IOException {
    Run r = run("config", "process", config().toString(), "--revision", "abc123", "--project-slug", "gh/acme/app");
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("""
          push:
            jobs:
              - test
              - release:
                  requires:
                    - test
                  filters:
                    branches:
                      ignore: /.*/
                    tags:
                      only: /^v.*/
          deploy:
            when: false
            jobs:
              - release
          nightly:
            triggers:
              - schedule:
                  cron: 0 3 * * *
        """).contains("command: echo abc123 gh/acme/app");
  }

  @Test
  void aBranchPrintsOnlyWhatRunsWithoutConditions() throws IOException {
    Run r = run("config", "process", config().toString(), "--branch", "main", "--revision", "abc123",
        "--project-slug", "gh/acme/app");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("  push:\n    jobs:\n      - test\n").doesNotContain("filters", "triggers", "when:",
        "nightly", "deploy:");
  }

  @Test
  void scheduledByNameOrCronSelectsTheWorkflowsThatScheduleTriggers() throws IOException {
    Run byName = run("config", "process", config().toString(), "--branch", "main", "--schedule", "nightly");
    assertThat(byName.code()).isZero();
    assertThat(byName.out()).contains("  nightly:\n").doesNotContain("  push:", "  weekly:");
    Run byCron = run("config", "process", config().toString(), "--branch", "main",
        "--trigger-source", "scheduled_pipeline", "--cron", "0 5 * * 1");
    assertThat(byCron.code()).isZero();
    assertThat(byCron.out()).contains("  weekly:\n").doesNotContain("  push:", "  nightly:");
  }

  @Test
  void unknownPipelineValuesAreNamed() throws IOException {
    Path config = config();
    Run r = run("config", "validate", config.toString());
    assertThat(r.code()).isZero();
    assertThat(r.err()).contains(config + ": warning: pipeline.git.revision is unknown here and substitutes as empty")
        .contains(config + ": warning: pipeline.project.slug is unknown here and substitutes as empty");
    Run given = run("config", "validate", config.toString(), "--revision", "abc", "--project-slug", "gh/a/b");
    assertThat(given.err()).isEmpty();
  }
}
