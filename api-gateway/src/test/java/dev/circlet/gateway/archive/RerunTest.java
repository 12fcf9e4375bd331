package dev.circlet.gateway.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.JobState;
import dev.circlet.api.v1alpha1.JobStatus;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.api.v1alpha1.WorkflowStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which jobs a rerun keeps and how their requires edges are pruned, as a table over one graph. */
class RerunTest {
  /**
   * build ─┬─ unit ──┬─ deploy ── notify
   *        └─ lint ──┘
   * docs (no requires)
   */
  static WorkflowSpec graph() {
    WorkflowSpec s = new WorkflowSpec();
    s.organization = "acme";
    s.pipeline = "app";
    s.pipelineNumber = 7L;
    s.workflowName = "main";
    s.jobs.add(job("build"));
    s.jobs.add(job("unit", "build"));
    s.jobs.add(job("lint", "build"));
    JobSpec deploy = job("deploy", "unit", "lint");
    deploy.requiredStatuses = new LinkedHashMap<>(Map.of("lint", List.of("success", "failed")));
    s.jobs.add(deploy);
    s.jobs.add(job("notify", "deploy"));
    s.jobs.add(job("docs"));
    s.approvals.add("hold");
    s.cancel = true;
    return s;
  }

  static JobSpec job(String name, String... requires) {
    JobSpec j = new JobSpec();
    j.name = name;
    j.requires = new ArrayList<>(List.of(requires));
    return j;
  }

  static WorkflowStatus status(String states) {
    WorkflowStatus st = new WorkflowStatus();
    for (String pair : states.split(" ")) {
      String[] kv = pair.split("=");
      st.jobs.add(new JobStatus(kv[0], JobState.valueOf(kv[1])));
    }
    return st;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      // job states                                                                              | kept jobs with their requires
      "build=Succeeded unit=Failed lint=Succeeded deploy=NotRun notify=NotRun docs=Succeeded       | unit[] deploy[unit] notify[deploy]",
      "build=Succeeded unit=Succeeded lint=Failed deploy=NotRun notify=NotRun docs=Failed         | lint[] deploy[lint] notify[deploy] docs[]",
      "build=Failed unit=NotRun lint=NotRun deploy=NotRun notify=NotRun docs=Succeeded            | build[] unit[build] lint[build] deploy[unit,lint] notify[deploy]",
      "build=Succeeded unit=Succeeded lint=Succeeded deploy=Canceled notify=Blocked docs=Succeeded | deploy[] notify[deploy]",
  })
  void failed_only_keeps_failed_and_canceled_jobs_and_their_dependents(String states, String expected) {
    WorkflowSpec original = graph();
    WorkflowSpec rerun = Rerun.spec(original, status(states), true);
    assertThat(String.join(" ", rerun.jobs.stream().map(j -> j.name + j.requires.toString().replace(" ", "")).toList()))
        .isEqualTo(expected);
    assertThat(rerun.approvals).isEmpty();
    assertThat(rerun.cancel).isNull();
    // requiredStatuses follow the pruned edges; the original is untouched.
    rerun.jobs.stream().filter(j -> j.name.equals("deploy")).findFirst()
        .ifPresent(d -> assertThat(d.requiredStatuses.keySet()).isSubsetOf(d.requires));
    assertThat(original.jobs).hasSize(6);
    assertThat(original.jobs.get(3).requires).containsExactly("unit", "lint");
    assertThat(original.approvals).containsExactly("hold");
  }

  @ParameterizedTest
  @CsvSource({"true", "false"})
  void a_whole_rerun_keeps_every_job(boolean everythingSucceeded) {
    WorkflowStatus st = status(everythingSucceeded
        ? "build=Succeeded unit=Succeeded lint=Succeeded deploy=Succeeded notify=Succeeded docs=Succeeded"
        : "build=Failed unit=NotRun lint=NotRun deploy=NotRun notify=NotRun docs=Succeeded");
    WorkflowSpec rerun = Rerun.spec(graph(), st, false);
    assertThat(rerun.jobs).extracting(j -> j.name).containsExactly("build", "unit", "lint", "deploy", "notify", "docs");
    assertThat(rerun.jobs.get(3).requires).containsExactly("unit", "lint");
    assertThat(rerun.pipeline).isEqualTo("app");
    assertThat(rerun.pipelineNumber).isEqualTo(7L);
  }

  @org.junit.jupiter.api.Test
  void failed_only_with_nothing_failed_is_refused() {
    assertThatThrownBy(() -> Rerun.spec(graph(),
        status("build=Succeeded unit=Succeeded lint=Succeeded deploy=Succeeded notify=Succeeded docs=Succeeded"), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no job");
  }
}
