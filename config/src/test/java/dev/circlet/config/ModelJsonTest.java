package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.config.model.JobSpec;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compiled model serialises with exactly the field names of the operator's api classes. */
class ModelJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Set<String> keys(JsonNode n) {
    Set<String> out = new HashSet<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void jsonKeysMatchTheApiClasses() {
    String yaml = """
        version: 2.1
        jobs:
          full:
            docker:
              - image: cimg/base:stable
                name: primary
                entrypoint: [/bin/sh, -c]
                command: sleep 1
                user: circleci
                environment: {X: "1"}
            resource_class: large
            working_directory: /w
            shell: /bin/bash
            environment: {A: b}
            parallelism: 2
            steps:
              - run: {name: n, command: c, shell: sh, environment: {K: v}, background: true,
                      working_directory: d, no_output_timeout: 5m, when: always}
              - restore_cache: {key: k, keys: [k1]}
              - save_cache: {key: k, paths: [p]}
              - checkout: {path: src, method: full}
              - store_artifacts: {path: a, destination: b}
              - persist_to_workspace: {root: r, paths: [x]}
              - attach_workspace: {at: w}
              - add_ssh_keys: {fingerprints: [f]}
        workflows:
          w:
            jobs:
              - full: {context: [c1], serial-group: g}
              - full: {name: second, requires: [full]}
              - full: {name: third, requires: [{full: failed}]}
        """;
    JobSpec job = Fixtures.ok(yaml).workflows().get(0).job("full");
    JsonNode n = JSON.valueToTree(job);
    assertThat(keys(n)).containsExactlyInAnyOrder("name", "type", "executor", "resourceClass", "workingDirectory",
        "shell", "environment", "parallelism", "steps", "contexts", "serialGroup");
    assertThat(n.get("type").asText()).isEqualTo("build");
    assertThat(keys(n.get("executor"))).containsExactlyInAnyOrder("kind", "images");
    assertThat(n.get("executor").get("kind").asText()).isEqualTo("docker");
    assertThat(keys(n.get("executor").get("images").get(0)))
        .containsExactlyInAnyOrder("image", "name", "entrypoint", "command", "user", "environment");
    Set<String> stepKeys = new HashSet<>();
    n.get("steps").forEach(s -> stepKeys.addAll(keys(s)));
    assertThat(stepKeys).containsExactlyInAnyOrder("type", "name", "command", "shell", "environment", "background",
        "workingDirectory", "noOutputTimeout", "when", "key", "keys", "paths", "path", "destination", "root", "at",
        "method", "fingerprints");
    assertThat(n.get("parallelism").asInt()).isEqualTo(2);
    assertThat(n.get("steps").get(0).get("background").asBoolean()).isTrue();

    JsonNode second = JSON.valueToTree(Fixtures.ok(yaml).workflows().get(0).job("second"));
    assertThat(second.get("requires").get(0).asText()).isEqualTo("full");
    assertThat(keys(second)).doesNotContain("contexts", "serialGroup", "requiredStatuses");
    JsonNode third = JSON.valueToTree(Fixtures.ok(yaml).workflows().get(0).job("third"));
    assertThat(third.get("requiredStatuses").get("full").get(0).asText()).isEqualTo("failed");
  }

  @Test
  void approvalJobsCarryOnlyNameTypeAndRequires() {
    String yaml = """
        version: 2.1
        jobs: {b: {docker: [{image: a}], steps: [checkout]}}
        workflows: {w: {jobs: [b, {hold: {type: approval, requires: [b]}}]}}
        """;
    JsonNode n = JSON.valueToTree(Fixtures.ok(yaml).workflows().get(0).job("hold"));
    assertThat(keys(n)).containsExactlyInAnyOrder("name", "type", "requires");
    assertThat(n.get("type").asText()).isEqualTo("approval");
  }
}
