package dev.circlet.operator.reconciler;

import static dev.circlet.operator.reconciler.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pipelines report whether their inline config compiles, and which workflows it defines. */
class PipelineReconcilerTest {
  static final String NS = "ci";

  KubernetesClient client;
  OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = OperatorHarness.onMockServer();
    client = harness.client();
    harness.bind(NS, "acme");
    harness.start();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  Pipeline pipeline(String name, String config) {
    Pipeline p = new Pipeline();
    p.getMetadata().setNamespace(NS);
    p.getMetadata().setName(name);
    p.setSpec(new PipelineSpec());
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = "https://github.com/acme/app.git";
    p.getSpec().organization = "acme";
    p.getSpec().config = config;
    return client.resource(p).create();
  }

  Condition configValid(String name) {
    eventually().until(() -> {
      Pipeline p = client.resources(Pipeline.class).inNamespace(NS).withName(name).get();
      return p.getStatus() != null && Conditions.find(p.getStatus().conditions, PipelineReconciler.CONFIG_VALID) != null;
    });
    Pipeline p = client.resources(Pipeline.class).inNamespace(NS).withName(name).get();
    return Conditions.find(p.getStatus().conditions, PipelineReconciler.CONFIG_VALID);
  }

  @Test
  void validConfigListsItsWorkflows() {
    pipeline("good", """
        version: 2.1
        jobs:
          test:
            docker:
              - image: cimg/base:2024.01
            steps:
              - checkout
              - run: make test
        workflows:
          ci:
            jobs:
              - test
        """);
    Condition c = configValid("good");
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(client.resources(Pipeline.class).inNamespace(NS).withName("good").get().getStatus().workflows)
        .containsExactly("ci");
  }

  @Test
  void invalidConfigReportsLineAndColumn() {
    pipeline("bad", """
        version: 2.1
        jobs:
          test:
            docker:
              - image: cimg/base:2024.01
            steps:
              - run: make test
        workflows:
          ci:
            jobs:
              - deploy
        """);
    Condition c = configValid("bad");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("InvalidConfig");
    assertThat(c.getMessage()).matches("\\d+:\\d+: .+");
  }

  @Test
  void aMissingRegistryOrbSaysHowToVendorItAndTheConfigTurnsValidOnceItIs() {
    pipeline("orbs", """
        version: 2.1
        orbs:
          toolkit: acme/toolkit@1.2
        workflows:
          ci:
            jobs:
              - toolkit/lint
        """);
    Condition missing = configValid("orbs");
    assertThat(missing.getStatus()).isEqualTo("False");
    String orbNamespace = dev.circlet.operator.runtime.OperatorSettings.DEFAULT_OPERATOR_NAMESPACE;
    assertThat(missing.getMessage()).contains("acme/toolkit@1.2", "kubectl -n " + orbNamespace + " create configmap");

    client.resource(new ConfigMapBuilder().withNewMetadata().withNamespace(orbNamespace).withName("orb-acme-toolkit")
        .addToLabels(CircletApi.LABEL_ORB_NAMESPACE, "acme").addToLabels(CircletApi.LABEL_ORB_NAME, "toolkit")
        .endMetadata().addToData("1.2.3.yml", """
            version: 2.1
            jobs:
              lint:
                docker:
                  - image: cimg/base:2024.02
                steps:
                  - run: make lint
            """).build()).create();
    eventually().until(() -> "True".equals(configValid("orbs").getStatus()));
    assertThat(client.resources(Pipeline.class).inNamespace(NS).withName("orbs").get().getStatus().workflows)
        .containsExactly("ci");
  }

  @Test
  void configsBuiltToExhaustTheCompilerAreInvalidAndTheOperatorCarriesOn() {
    StringBuilder fanOut = new StringBuilder("version: 2.1\ncommands:\n  c0: {steps: [{run: echo hi}]}\n");
    for (int i = 1; i <= 7; i++) {
      fanOut.append("  c").append(i).append(": {steps: [").append(String.join(", ", java.util.Collections.nCopies(10, "c" + (i - 1))))
          .append("]}\n");
    }
    fanOut.append("jobs:\n  b: {docker: [{image: alpine}], steps: [c7]}\nworkflows: {ci: {jobs: [b]}}\n");
    pipeline("fan-out", fanOut.toString());
    pipeline("matrix", """
        version: 2.1
        jobs:
          b:
            parameters: {p: {type: integer}, q: {type: integer}, r: {type: integer}, s: {type: integer}, t: {type: integer}, u: {type: integer}}
            docker: [{image: alpine}]
            steps: [checkout]
        workflows:
          ci:
            jobs:
              - b:
                  matrix:
                    parameters: {p: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], q: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], r: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
                      s: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], t: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], u: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}
        """);
    pipeline("regex", """
        version: 2.1
        jobs:
          b: {docker: [{image: alpine}], steps: [checkout]}
        workflows:
          ci:
            when: {matches: {pattern: "((a+)+)+$", value: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}}
            jobs: [b]
        """);
    Condition fan = configValid("fan-out");
    assertThat(fan.getStatus()).isEqualTo("False");
    assertThat(fan.getMessage()).matches("\\d+:\\d+: the config expands to more than 50000 steps .*");
    Condition matrix = configValid("matrix");
    assertThat(matrix.getStatus()).isEqualTo("False");
    assertThat(matrix.getMessage()).startsWith("12:13: matrix has 1000000 combinations");
    Condition regex = configValid("regex");
    assertThat(regex.getStatus()).isEqualTo("False");
    assertThat(regex.getMessage()).startsWith("6:31: regular expression /((a+)+)+$/ is too expensive");

    pipeline("after", "version: 2.1\njobs:\n  build: {docker: [{image: alpine}], steps: [checkout]}\n");
    assertThat(configValid("after").getStatus()).isEqualTo("True");
  }

  @Test
  void configInTheRepositoryIsUnknownUntilTriggered() {
    pipeline("repo", null);
    Condition c = configValid("repo");
    assertThat(c.getStatus()).isEqualTo("Unknown");
    assertThat(c.getMessage()).contains(".circleci/config.yml");
  }
}
