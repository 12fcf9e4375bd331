package dev.circlet.gateway.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.JobState;
import dev.circlet.api.v1alpha1.JobStatus;
import dev.circlet.api.v1alpha1.JobType;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.gateway.archive.ArchiveViews.JobView;
import dev.circlet.gateway.archive.ArchiveViews.WorkflowView;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Workflow and Build views computed from resources, and a run's status from its workflows, as tables. */
class ArchiveViewsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "`{\"t-a\":\"tests\",\"t-b\":\"tests\"}` | tests | tests | p",
      "``                                         |       |       | p",
      "`not json`                                 |       |       | p",
      "`{\"t-a\":1}`                            |       |       | p"})
  void matrix_instances_are_grouped_by_the_annotation_and_parallel_jobs_by_name(String annotation, String groupA,
      String groupB, String groupP) {
    Workflow w = new Workflow();
    w.getMetadata().setNamespace("acme-ci");
    w.getMetadata().setName("app-4-main");
    if (annotation != null) {
      w.getMetadata().getAnnotations().put(ArchiveViews.MATRIX_GROUPS, annotation);
    }
    w.setSpec(new WorkflowSpec());
    JobSpec p = RerunTest.job("p");
    p.parallelism = 2;
    w.getSpec().jobs.addAll(List.of(RerunTest.job("t-a"), RerunTest.job("t-b"), p));
    WorkflowView v = ArchiveViews.workflow(w);
    assertThat(v.jobs()).extracting(JobView::group).containsExactly(groupA, groupB, groupP);
    assertThat(ArchiveViews.groupOf(v, "t-b")).isEqualTo(groupB);
    assertThat(ArchiveViews.groupOf(v, "p")).isEqualTo("p");
    assertThat(ArchiveViews.groupOf(v, "unknown")).isNull();
    assertThat(ArchiveViews.groupOf(null, "p")).isNull();
  }

  @Test
  void a_workflow_shows_its_graph_states_builds_and_parallel_groups() {
    Workflow w = new Workflow();
    w.getMetadata().setNamespace("acme-ci");
    w.getMetadata().setName("app-3-main-abc");
    w.getMetadata().setCreationTimestamp("2026-01-01T10:00:00Z");
    w.setSpec(new WorkflowSpec());
    w.getSpec().organization = "acme";
    w.getSpec().pipeline = "app";
    w.getSpec().pipelineNumber = 3L;
    w.getSpec().workflowName = "main";
    JobSpec build = RerunTest.job("build");
    JobSpec test = RerunTest.job("test", "build");
    test.parallelism = 3;
    JobSpec hold = RerunTest.job("hold", "test");
    hold.type = JobType.APPROVAL;
    w.getSpec().jobs.addAll(List.of(build, test, hold));
    w.getStatus().phase = WorkflowPhase.OnHold;
    JobStatus b = new JobStatus("build", JobState.Succeeded);
    b.builds.add("app-3-main-build");
    b.startedAt = "2026-01-01T10:00:01Z";
    b.finishedAt = "2026-01-01T10:00:04.5Z";
    JobStatus t = new JobStatus("test", JobState.Running);
    t.builds.addAll(List.of("t-0", "t-1", "t-2"));
    w.getStatus().jobs.addAll(List.of(b, t, new JobStatus("hold", JobState.OnHold)));

    WorkflowView v = ArchiveViews.workflow(w);
    assertThat(v.phase()).isEqualTo("OnHold");
    assertThat(v.workflow()).isEqualTo("main");
    assertThat(v.pipelineNumber()).isEqualTo(3L);
    JobView jb = v.jobs().get(0);
    assertThat(jb.type()).isEqualTo("build");
    assertThat(jb.build()).isEqualTo("app-3-main-build");
    assertThat(jb.durationMs()).isEqualTo(3500L);
    assertThat(jb.group()).isNull();
    JobView jt = v.jobs().get(1);
    assertThat(jt.requires()).containsExactly("build");
    assertThat(jt.group()).isEqualTo("test");
    assertThat(jt.builds()).containsExactly("t-0", "t-1", "t-2");
    assertThat(jt.durationMs()).isNull();
    JobView jh = v.jobs().get(2);
    assertThat(jh.type()).isEqualTo("approval");
    assertThat(jh.state()).isEqualTo("OnHold");
    assertThat(jh.build()).isNull();
  }

  @ParameterizedTest(name = "{0} {1}/{2} exit {3}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // phase     | reason                | message                          | exit | queueReason                                | exitSummary
      "-           | -                     | -                                | -    | -                                          | -",
      "Queued      | OrganizationAtCapacity | acme runs 3 of 3 Builds          | -    | OrganizationAtCapacity: acme runs 3 of 3 Builds | -",
      "Running     | -                     | -                                | -    | -                                          | -",
      "Succeeded   | -                     | -                                | 0    | -                                          | exit code 0",
      "Failed      | Error                 | step 2 (npm test) exited with 1  | 1    | -                                          | Error: step 2 (npm test) exited with 1",
      "Failed      | OOMKilled             | -                                | 137  | -                                          | OOMKilled",
      "TimedOut    | -                     | ran past 3600 s                  | -    | -                                          | ran past 3600 s",
  })
  void a_build_shows_why_it_waits_or_how_it_ended(String phase, String reason, String message, Integer exit,
      String queueReason, String exitSummary) {
    Build b = new Build();
    b.getMetadata().setNamespace("acme-ci");
    b.getMetadata().setName("b");
    b.setSpec(new BuildSpec());
    b.getSpec().organization = "acme";
    b.getSpec().job = RerunTest.job("test");
    b.getSpec().job.resourceClass = "large";
    b.setStatus(new BuildStatus());
    b.getStatus().phase = phase == null ? null : BuildPhase.valueOf(phase);
    b.getStatus().reason = reason;
    b.getStatus().message = message;
    b.getStatus().exitCode = exit;
    var v = ArchiveViews.build(b);
    assertThat(v.phase()).isEqualTo(phase == null ? "Queued" : phase);
    assertThat(v.queueReason()).isEqualTo(queueReason);
    assertThat(v.exitSummary()).isEqualTo(exitSummary);
    assertThat(v.resourceClass()).isEqualTo("large");
    assertThat(v.job()).isEqualTo("test");
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      // record status | workflow:phase (oldest first)           | status
      "pending         | main:Running                             | pending",
      "invalid_config  | ''                                       | invalid_config",
      "created         | ''                                       | created",
      "created         | main:Succeeded deploy:Succeeded          | success",
      "created         | main:Succeeded deploy:Running            | running",
      "created         | main:Pending                             | running",
      "created         | main:Failed deploy:OnHold                | on_hold",
      "created         | main:Failed deploy:Succeeded             | failed",
      "created         | main:Canceled deploy:Succeeded           | canceled",
      // A rerun of main (archived later) stands for main.
      "created         | main:Failed main:Succeeded               | success",
      "created         | main:Succeeded main:Failed               | failed",
  })
  void a_run_reads_as_its_workflows(String record, String workflows, String expected) {
    List<WorkflowView> views = workflows.isBlank() ? List.of() : java.util.Arrays.stream(workflows.split(" "))
        .map(p -> new WorkflowView("ns", p, p.split(":")[0], "app", 1L, "acme", p.split(":")[1], false, null, null,
            null, List.of()))
        .toList();
    assertThat(RunStatus.of(record, views)).isEqualTo(expected);
  }
}
