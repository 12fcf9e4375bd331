package dev.circlet.gateway.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.gateway.webhook.TriggerEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pushed config built to exhaust the compiler becomes an invalid_config record, with its line. */
class RunPlannerLimitsTest {
  private final RunPlanner planner = new RunPlanner(new ConfigCompiler(OrbStore.empty()));

  private RunPlanner.Plan plan(String config) {
    TriggerEvent push = new TriggerEvent("push", List.of("https://github.com/acme/app.git"),
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", null, "0123456789abcdef0123456789abcdef01234567", null,
        "subject", "Ada", "ada@example.com", "ada", null);
    RunPlanner.RunTrigger trigger = new RunPlanner.RunTrigger(push, "webhook", "d-1", "run-1", Map.of(), null);
    return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> planner.plan(
        DeliveryFlowTest.pipeline("app", "https://github.com/acme/app.git", config), trigger, 1,
        new ConfigLoader.Loaded(".circleci/config.yml", config)));
  }

  @Test
  void aBacktrackingBranchFilterIsAnInvalidConfigAtItsLine() {
    RunPlanner.Plan p = plan("""
        version: 2.1
        jobs:
          build:
            docker: [{image: cimg/base:current}]
            steps: [checkout]
        workflows:
          main:
            jobs:
              - build:
                  filters:
                    branches:
                      only: /((a+)+)+$/
        """);
    assertThat(p).isInstanceOfSatisfying(RunPlanner.Plan.Nothing.class, n -> {
      assertThat(n.status()).isEqualTo("invalid_config");
      assertThat(n.reason()).startsWith(".circleci/config.yml:12:").contains("too expensive");
    });
  }

  @Test
  void aMatrixOfAMillionJobsIsAnInvalidConfig() {
    StringBuilder axes = new StringBuilder();
    for (int a = 0; a < 6; a++) {
      axes.append("                  p").append(a).append(": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n");
    }
    RunPlanner.Plan p = plan("""
        version: 2.1
        jobs:
          build:
            parameters:
              p0: {type: integer, default: 0}
              p1: {type: integer, default: 0}
              p2: {type: integer, default: 0}
              p3: {type: integer, default: 0}
              p4: {type: integer, default: 0}
              p5: {type: integer, default: 0}
            docker: [{image: cimg/base:current}]
            steps: [checkout]
        workflows:
          main:
            jobs:
              - build:
                  matrix:
                    parameters:
        """ + axes);
    assertThat(p).isInstanceOfSatisfying(RunPlanner.Plan.Nothing.class,
        n -> assertThat(n.status()).isEqualTo("invalid_config"));
  }
}
