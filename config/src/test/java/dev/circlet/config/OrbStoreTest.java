package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.orbs.DirectoryOrbStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Registry orbs: version prefixes pick the newest vendored match; missing orbs say how to vendor them. */
class OrbStoreTest {
  private final DirectoryOrbStore store = new DirectoryOrbStore(Fixtures.RESOURCES.resolve("orbs"));

  @Test
  void versionPrefixesPickTheNewestMatch() {
    assertThat(store.source("acme", "toolkit", "1.2").orElseThrow()).contains("make lint\n");
    assertThat(store.source("acme", "toolkit", "1").orElseThrow()).contains("make lint\n");
    assertThat(store.source("acme", "toolkit", "1.1").orElseThrow()).contains("make lint-old");
    assertThat(store.source("acme", "toolkit", "1.1.0").orElseThrow()).contains("make lint-old");
    assertThat(store.source("acme", "toolkit", "volatile").orElseThrow()).contains("make lint\n");
    assertThat(store.source("acme", "toolkit", "2")).isEmpty();
    assertThat(store.source("acme", "toolkit", "1.2.30")).isEmpty();
  }

  @Test
  void orbVersionFromAPipelineParameterAndAStoreInterfaceImplementation() {
    String yaml = """
        version: 2.1
        parameters: {toolkit-version: {type: string, default: "1.1"}}
        orbs:
          t: acme/toolkit@<< pipeline.parameters.toolkit-version >>
        workflows: {w: {jobs: [t/lint]}}
        """;
    CompileResult r = Fixtures.ok(yaml);
    assertThat(r.workflows().get(0).job("t/lint").steps().get(1).command()).isEqualTo("make lint-old");

    Map<String, String> configMap = Map.of("acme/toolkit@1.2", Fixtures.read(Fixtures.RESOURCES.resolve("orbs/acme/toolkit/1.2.3.yml")));
    ConfigCompiler viaMap = new ConfigCompiler((ns, name, v) -> Optional.ofNullable(configMap.get(ns + "/" + name + "@" + v)));
    CompileResult r2 = viaMap.compile(ConfigSource.of("c.yml", yaml), PipelineContext.builder().parameter("toolkit-version", "1.2").build());
    assertThat(r2.errors()).isEmpty();
    assertThat(r2.workflows().get(0).job("t/lint").steps().get(1).command()).isEqualTo("make lint");
  }

  @Test
  void errorsInsideAnOrbNameTheOrb() {
    String yaml = """
        version: 2.1
        orbs:
          t: acme/toolkit@1.2
        jobs:
          b:
            executor: t/default
            steps: [{t/notify: {chanel: x}}]
        workflows: {w: {jobs: [b]}}
        """;
    assertThat(Fixtures.compile(yaml).errors()).extracting(Diagnostic::format)
        .containsExactly("config.yml:7:25: error: unknown parameter 'chanel' for command 't/notify' (known: channel)");
  }

  @Test
  void orbsUsingOrbsAndOrbExecutorsAsParameters() {
    String yaml = """
        version: 2.1
        orbs:
          outer:
            orbs:
              inner:
                executors:
                  tiny: {docker: [{image: "busybox:1.36"}], resource_class: small}
                commands:
                  say: {parameters: {w: {type: string}}, steps: [{run: "echo << parameters.w >>"}]}
            jobs:
              greet:
                parameters: {ex: {type: executor, default: inner/tiny}}
                executor: << parameters.ex >>
                steps: [{inner/say: {w: hi}}]
          kit: acme/toolkit@1.2
        workflows:
          w:
            jobs:
              - outer/greet
              - outer/greet: {name: on-kit, ex: {name: kit/default}}
        """;
    CompileResult r = Fixtures.ok(yaml);
    assertThat(r.workflows().get(0).job("outer/greet").executor().images().get(0).image()).isEqualTo("busybox:1.36");
    assertThat(r.workflows().get(0).job("outer/greet").resourceClass()).isEqualTo("small");
    assertThat(r.workflows().get(0).job("outer/greet").steps().get(0).command()).isEqualTo("echo hi");
    assertThat(r.workflows().get(0).job("on-kit").executor().images().get(0).image()).isEqualTo("cimg/base:2024.02");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "5.1.3    | save its source: circleci orb source circleci/node@5.1.3 > DIR/circleci/node/5.1.3.yml",
      "5.1      | @5.1 takes the newest 5.1.x release found there, so save a release under its full version:"
          + " circleci orb source circleci/node@5.1.x > DIR/circleci/node/5.1.x.yml (5.1.x being a released version,"
          + " e.g. the newest on https://circleci.com/developer/orbs/orb/circleci/node)",
      "5        | @5 takes the newest 5.x.y release found there, so save a release under its full version:"
          + " circleci orb source circleci/node@5.x.y > DIR/circleci/node/5.x.y.yml (5.x.y being a released version,"
          + " e.g. the newest on https://circleci.com/developer/orbs/orb/circleci/node)",
      "volatile | @volatile takes the newest release found there, so save a release under its full version:"
          + " circleci orb source circleci/node@X.Y.Z > DIR/circleci/node/X.Y.Z.yml (X.Y.Z being a released version,"
          + " e.g. the newest on https://circleci.com/developer/orbs/orb/circleci/node)",
      "dev:beta | save its source: circleci orb source circleci/node@dev:beta > DIR/circleci/node/dev:beta.yml"})
  void theMissingOrbHintNamesTheCommandAndTheFile(String version, String hint) {
    Path dir = Path.of("vendor");
    assertThat(new DirectoryOrbStore(dir).howToVendor("circleci", "node", version))
        .isEqualTo(hint.replace("DIR", dir.toString()));
  }

  @Test
  void followingThePartialVersionHintMakesTheOrbResolve(@TempDir Path dir) throws IOException {
    String yaml = """
        version: 2.1
        orbs:
          node: circleci/node@5
        workflows: {w: {jobs: [node/test]}}
        """;
    ConfigCompiler compiler = new ConfigCompiler(new DirectoryOrbStore(dir));
    CompileResult missing = compiler.compile(ConfigSource.of("c.yml", yaml), PipelineContext.branch("main"));
    assertThat(missing.errors()).extracting(Diagnostic::format).singleElement().asString()
        .contains("circleci orb source circleci/node@5.x.y > " + dir.resolve("circleci/node/5.x.y.yml"));
    // The user picks a release, 5.2.1, and saves it where the hint says, under that version.
    Path file = dir.resolve("circleci/node/5.2.1.yml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "version: 2.1\njobs:\n  test: {docker: [{image: cimg/node:20.1}], steps: [checkout]}\n");
    CompileResult found = compiler.compile(ConfigSource.of("c.yml", yaml), PipelineContext.branch("main"));
    assertThat(found.errors()).isEmpty();
    assertThat(found.workflows().get(0).job("node/test").executor().images().get(0).image()).isEqualTo("cimg/node:20.1");
  }
}
