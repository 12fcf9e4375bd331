package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.orbs.DirectoryOrbStore;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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
}
