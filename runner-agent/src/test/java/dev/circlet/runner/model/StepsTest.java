package dev.circlet.runner.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's reading of compiled steps as the config compiler builds them (null for absent fields). */
class StepsTest {
  static Step step(String type, String name, String command, String shell, String when) {
    Step.Builder b = Step.of(type);
    b.name = name;
    b.command = command;
    b.shell = shell;
    b.when = when;
    return b.build();
  }

  @Test
  void displayNameFallsBackToTheCommandOrTheStepType() {
    assertThat(Steps.displayName(step("run", "Build", "make", null, null))).isEqualTo("Build");
    assertThat(Steps.displayName(step("run", " ", "make all\nmake test", null, null))).isEqualTo("make all");
    assertThat(Steps.displayName(step("run", null, "x".repeat(70), null, null))).isEqualTo("x".repeat(60) + "…");
    assertThat(Steps.displayName(step("restore_cache", null, null, null, null))).isEqualTo("Restoring cache");
  }

  @Test
  void resultsStepsRunAlwaysByDefault() {
    assertThat(Steps.whenOrDefault(step("store_test_results", null, null, null, null))).isEqualTo("always");
    assertThat(Steps.whenOrDefault(step("run", null, "x", null, ""))).isEqualTo("on_success");
    assertThat(Steps.whenOrDefault(step("run", null, "x", null, "on_fail"))).isEqualTo("on_fail");
  }

  @Test
  void anUnsetOrEmptyStepShellFallsBackToTheJobs() {
    JobSpec job = new JobSpec("j", "build", List.of(), null, null, null, "/bin/zsh", Map.of(), null, List.of(),
        List.of(), null);
    assertThat(Steps.shell(step("run", null, "x", null, null), job)).isEqualTo("/bin/zsh");
    assertThat(Steps.shell(step("run", null, "x", "", null), job)).isEqualTo("/bin/zsh");
    assertThat(Steps.shell(step("run", null, "x", "/bin/sh", null), job)).isEqualTo("/bin/sh");
  }

  @Test
  void absentListsAndMapsReadAsEmpty() {
    Step s = step("save_cache", null, null, null, null);
    assertThat(Steps.environment(s)).isEmpty();
    assertThat(Steps.keys(s)).isEmpty();
    assertThat(Steps.paths(s)).isEmpty();
    assertThat(Steps.fingerprints(s)).isEmpty();
    assertThat(Steps.isBackground(s)).isFalse();
  }
}
