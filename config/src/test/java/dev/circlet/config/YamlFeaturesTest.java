package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.model.JobSpec;
import org.junit.jupiter.api.Test;

/** YAML-level features: anchors, merge keys, tabs, CRLF, escapes, names with spaces. */
class YamlFeaturesTest {
  private static JobSpec only(CompileResult r) {
    return r.workflows().get(0).jobs().get(0);
  }

  @Test
  void twoMergeKeysInOneMappingBothMergeAndOwnKeysWin() {
    String yaml = """
        version: 2.1
        x-docker: &docker
          docker: [{image: "alpine:3.19"}]
          resource_class: small
        x-env: &env
          environment: {A: "1"}
          resource_class: large
        jobs:
          build:
            <<: *docker
            <<: *env
            working_directory: /w
            steps: [checkout]
        workflows:
          w: {jobs: [build]}
        """;
    JobSpec j = only(Fixtures.ok(yaml));
    assertThat(j.executor().images().get(0).image()).isEqualTo("alpine:3.19");
    assertThat(j.environment()).containsEntry("A", "1");
    assertThat(j.resourceClass()).isEqualTo("small");
    assertThat(j.workingDirectory()).isEqualTo("/w");
  }

  @Test
  void mergeOfASequenceOfAliases() {
    String yaml = """
        version: 2.1
        x-a: &a {shell: /bin/sh}
        x-b: &b {shell: /bin/zsh, resource_class: medium+}
        jobs:
          build:
            <<: [*a, *b]
            docker: [{image: alpine}]
            steps: [checkout]
        workflows: {w: {jobs: [build]}}
        """;
    JobSpec j = only(Fixtures.ok(yaml));
    assertThat(j.shell()).isEqualTo("/bin/sh");
    assertThat(j.resourceClass()).isEqualTo("medium+");
  }

  @Test
  void tabsInPlainScalarsCrlfAndEscapes() {
    String yaml = "version: 2.1\r\njobs:\r\n  \"build \\x45\":\r\n    docker: [{image: alpine}]\r\n"
        + "    steps:\r\n      - run: echo\ta\tb\r\n      - run: echo héllo wörld\r\n"
        + "workflows:\r\n  w:\r\n    jobs: [\"build E\"]\r\n";
    JobSpec j = only(Fixtures.ok(yaml));
    assertThat(j.name()).isEqualTo("build E");
    assertThat(j.steps().get(0).command()).isEqualTo("echo\ta\tb");
    assertThat(j.steps().get(1).command()).isEqualTo("echo héllo wörld");
  }

  @Test
  void jobNamesWithSpacesAndAnchoredSteps() {
    String yaml = """
        version: 2
        references:
          restore: &restore
            restore_cache:
              keys:
                - v1-{{ .Branch }}-{{ checksum "yarn.lock" }}
                - v1-
        jobs:
          unit tests:
            docker: [{image: node}]
            steps:
              - *restore
              - run: yarn test
        workflows:
          version: 2
          w: {jobs: [unit tests]}
        """;
    CompileResult r = Fixtures.ok(yaml);
    JobSpec j = only(r);
    assertThat(j.name()).isEqualTo("unit tests");
    assertThat(j.steps().get(0).keys()).containsExactly("v1-{{ .Branch }}-{{ checksum \"yarn.lock\" }}", "v1-");
    // A top-level key that defines anchors is how YAML shares fragments, not a typo.
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void topLevelKeyWithoutAnchorsIsStillNamed() {
    String yaml = """
        version: 2
        referencs:
          note: no anchors here
        jobs:
          build:
            docker: [{image: node}]
            steps: [checkout]
        """;
    CompileResult r = Fixtures.ok(yaml);
    assertThat(r.warnings()).extracting(Diagnostic::message).containsExactly("unknown key 'referencs' in the config is ignored");
  }

  @Test
  void version20WithoutWorkflowsRunsBuild() {
    String yaml = """
        version: 2.0
        jobs:
          build:
            docker: [{image: alpine}]
            steps: [checkout, {run: make}]
          other:
            docker: [{image: alpine}]
            steps: [checkout]
        """;
    CompileResult r = Fixtures.ok(yaml);
    assertThat(r.workflows()).hasSize(1);
    assertThat(r.workflows().get(0).jobs()).extracting(JobSpec::name).containsExactly("build");
  }

  @Test
  void duplicateKeysWarnAndTheLastWins() {
    String yaml = """
        version: 2.1
        jobs:
          build:
            docker: [{image: old}]
            docker: [{image: new}]
            steps: [checkout]
        workflows: {w: {jobs: [build]}}
        """;
    CompileResult r = Fixtures.ok(yaml);
    assertThat(only(r).executor().images().get(0).image()).isEqualTo("new");
    assertThat(r.warnings()).extracting(Diagnostic::format)
        .containsExactly("config.yml:5:5: warning: duplicate key 'docker'; the last one wins");
  }
}
