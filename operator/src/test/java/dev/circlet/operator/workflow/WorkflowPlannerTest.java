package dev.circlet.operator.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.Executor;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.JobState;
import dev.circlet.api.v1alpha1.JobStatus;
import dev.circlet.api.v1alpha1.JobType;
import dev.circlet.api.v1alpha1.Trigger;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.operator.workflow.WorkflowPlanner.WorkflowPlan;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowPlannerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final WorkflowPlanner planner = new WorkflowPlanner();

  /** A workflow run driven through successive reconciles, like the reconciler does. */
  private final class Run {
    final Workflow wf;
    final Map<String, BuildPhase> phases = new LinkedHashMap<>();
    WorkflowPlan last;
    Instant now = T0;

    Run(JobSpec... jobs) {
      wf = new Workflow();
      wf.setMetadata(new ObjectMetaBuilder().withName("web-12-build").withNamespace("ci-acme")
          .withUid("wf-uid-1").withGeneration(1L).build());
      WorkflowSpec spec = new WorkflowSpec();
      spec.pipeline = "web";
      spec.pipelineNumber = 12L;
      spec.workflowName = "build";
      spec.organization = "acme";
      spec.priority = 3;
      spec.buildTimeoutSeconds = 900L;
      Trigger t = new Trigger();
      t.revision = "abc123";
      t.branch = "main";
      t.repositoryUrl = "git@github.com:acme/web.git";
      spec.trigger = t;
      spec.jobs.addAll(List.of(jobs));
      wf.setSpec(spec);
    }

    /** One reconcile: plan, create the Builds (Queued), record the status. */
    WorkflowPlan step() {
      now = now.plusSeconds(10);
      last = planner.plan(wf, Map.copyOf(phases), now);
      for (Build b : last.buildsToCreate()) {
        assertThat(phases).as("created twice: " + b.getMetadata().getName()).doesNotContainKey(b.getMetadata().getName());
        phases.put(b.getMetadata().getName(), BuildPhase.Queued);
      }
      wf.setStatus(last.status());
      return last;
    }

    List<String> created() {
      return last.buildsToCreate().stream().map(b -> b.getMetadata().getName()).toList();
    }

    Run set(String build, BuildPhase phase) {
      phases.put(build, phase);
      return this;
    }

    JobState state(String job) {
      return wf.getStatus().job(job).state;
    }

    WorkflowPhase phase() {
      return wf.getStatus().phase;
    }
  }

  private static JobSpec job(String name, String... requires) {
    JobSpec j = new JobSpec();
    j.name = name;
    j.executor = Executor.docker("cimg/base:current");
    j.requires.addAll(List.of(requires));
    return j;
  }

  private static JobSpec typed(String name, JobType type, String... requires) {
    JobSpec j = job(name, requires);
    j.type = type;
    j.executor = null;
    return j;
  }

  @Test
  void linearChain() {
    Run r = new Run(job("build"), job("test", "build"), job("deploy", "test"));
    r.step();
    assertThat(r.created()).containsExactly("web-12-build-build");
    assertThat(r.state("test")).isEqualTo(JobState.Blocked);
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Running);
    assertThat(r.step().buildsToCreate()).as("nothing new while build runs").isEmpty();
    r.set("web-12-build-build", BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly("web-12-build-test");
    r.set("web-12-build-test", BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly("web-12-build-deploy");
    r.set("web-12-build-deploy", BuildPhase.Succeeded).step();
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Succeeded);
    assertThat(r.wf.getStatus().finishedAt).isEqualTo("2026-01-01T00:00:50Z");
    assertThat(r.wf.getStatus().startedAt).isEqualTo("2026-01-01T00:00:10Z");
    Condition c = Conditions.find(r.wf.getStatus().conditions, WorkflowPlanner.CONDITION_SUCCEEDED);
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void fanOutFanIn() {
    Run r = new Run(job("build"), job("unit", "build"), job("lint", "build"), job("e2e", "build"),
        job("deploy", "unit", "lint", "e2e"));
    r.step();
    r.set("web-12-build-build", BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly("web-12-build-unit", "web-12-build-lint", "web-12-build-e2e");
    r.set("web-12-build-unit", BuildPhase.Succeeded).set("web-12-build-lint", BuildPhase.Succeeded).step();
    assertThat(r.created()).isEmpty();
    assertThat(r.state("deploy")).isEqualTo(JobState.Blocked);
    r.set("web-12-build-e2e", BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly("web-12-build-deploy");
  }

  /** attach_workspace in a pod applies the layers of exactly these jobs, as on CircleCI. */
  @Test
  void buildsNameTheirUpstreamJobsTransitivelyAndNoSiblings() {
    Run r = new Run(job("checkout"), job("build", "checkout"), job("docs", "checkout"), job("unit", "build"),
        job("lint", "build"), job("deploy", "unit", "lint"));
    r.step();
    assertThat(r.last.buildsToCreate().get(0).getSpec().upstreamJobs).isEmpty();
    r.set("web-12-build-checkout", BuildPhase.Succeeded).step();
    r.set("web-12-build-build", BuildPhase.Succeeded).set("web-12-build-docs", BuildPhase.Succeeded).step();
    assertThat(r.last.buildsToCreate()).extracting(b -> b.getSpec().upstreamJobs)
        .containsOnly(List.of("checkout", "build"));
    r.set("web-12-build-unit", BuildPhase.Succeeded).set("web-12-build-lint", BuildPhase.Succeeded).step();
    Build deploy = r.last.buildsToCreate().get(0);
    assertThat(deploy.getMetadata().getName()).isEqualTo("web-12-build-deploy");
    assertThat(deploy.getSpec().upstreamJobs).containsExactly("checkout", "build", "unit", "lint");
  }

  private static JobSpec requiring(String name, String required, String... statuses) {
    JobSpec j = job(name, required);
    j.requiredStatuses.put(required, List.of(statuses));
    return j;
  }

  /** requires with job statuses: failure handlers, cleanup on any outcome, fallbacks for not_run. */
  @Test
  void requiresWithStatusesRunOnTheOutcomesTheyAccept() {
    Run r = new Run(job("build"), job("test", "build"), requiring("notify-failure", "test", "failed"),
        requiring("cleanup", "test", "terminal"), requiring("fallback", "deploy", "not_run"), job("deploy", "test"),
        requiring("either", "build", "success", "failed"));
    r.step();
    r.set("web-12-build-build", BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly("web-12-build-test", "web-12-build-either");
    assertThat(r.state("cleanup")).as("waits while its required job runs").isEqualTo(JobState.Blocked);
    r.set("web-12-build-test", BuildPhase.Failed).step();
    assertThat(r.state("deploy")).isEqualTo(JobState.NotRun);
    assertThat(r.created()).as("deploy did not run, so its fallback does")
        .containsExactly("web-12-build-notify-failure", "web-12-build-cleanup", "web-12-build-fallback");
    r.set("web-12-build-notify-failure", BuildPhase.Succeeded).set("web-12-build-cleanup", BuildPhase.Succeeded)
        .set("web-12-build-fallback", BuildPhase.Succeeded).set("web-12-build-either", BuildPhase.Succeeded).step();
    assertThat(r.wf.getStatus().phase).as("a failed job still fails the workflow").isEqualTo(WorkflowPhase.Failed);
  }

  @Test
  void aSuccessLeavesFailureHandlersNotRun() {
    Run r = new Run(job("build"), requiring("notify-failure", "build", "failed"), requiring("cleanup", "build", "terminal"));
    r.step();
    r.set("web-12-build-build", BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly("web-12-build-cleanup");
    assertThat(r.state("notify-failure")).isEqualTo(JobState.NotRun);
    r.set("web-12-build-cleanup", BuildPhase.Succeeded).step();
    assertThat(r.wf.getStatus().phase).isEqualTo(WorkflowPhase.Succeeded);
  }

  @Test
  void failurePropagatesToNotRun() {
    Run r = new Run(job("build"), job("test", "build"), job("lint"), job("deploy", "test", "lint"));
    r.step();
    assertThat(r.created()).containsExactly("web-12-build-build", "web-12-build-lint");
    r.set("web-12-build-build", BuildPhase.Failed).step();
    assertThat(r.state("test")).isEqualTo(JobState.NotRun);
    assertThat(r.state("deploy")).isEqualTo(JobState.NotRun);
    assertThat(r.phase()).as("lint still runs").isEqualTo(WorkflowPhase.Running);
    r.set("web-12-build-lint", BuildPhase.Succeeded).step();
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Failed);
    Condition c = Conditions.find(r.wf.getStatus().conditions, WorkflowPlanner.CONDITION_SUCCEEDED);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getMessage()).contains("build");
    assertThat(r.step().buildsToCreate()).as("terminal workflows create nothing").isEmpty();
  }

  @Test
  void timedOutBuildFailsTheJob() {
    Run r = new Run(job("build"));
    r.step();
    r.set("web-12-build-build", BuildPhase.TimedOut).step();
    assertThat(r.state("build")).isEqualTo(JobState.Failed);
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Failed);
  }

  @Test
  void approvalHoldsThenReleases() {
    Run r = new Run(job("build"), typed("hold", JobType.APPROVAL, "build"), job("deploy", "hold"));
    r.step();
    r.set("web-12-build-build", BuildPhase.Succeeded).step();
    assertThat(r.state("hold")).isEqualTo(JobState.OnHold);
    assertThat(r.phase()).isEqualTo(WorkflowPhase.OnHold);
    assertThat(r.created()).isEmpty();
    r.wf.getSpec().approvals.add("hold");
    r.step();
    assertThat(r.state("hold")).isEqualTo(JobState.Succeeded);
    assertThat(r.created()).containsExactly("web-12-build-deploy");
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Running);
  }

  @Test
  void parallelismMakesOneBuildPerNode() {
    JobSpec test = job("test", "build");
    test.parallelism = 3;
    Run r = new Run(job("build"), test, job("report", "test"));
    r.step();
    r.set("web-12-build-build", BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly("web-12-build-test-0", "web-12-build-test-1", "web-12-build-test-2");
    Build node1 = r.last.buildsToCreate().get(1);
    assertThat(node1.getSpec().parallelIndex).isEqualTo(1);
    assertThat(node1.getSpec().parallelTotal).isEqualTo(3);
    assertThat(r.wf.getStatus().job("test").builds).hasSize(3);
    r.set("web-12-build-test-0", BuildPhase.Succeeded).set("web-12-build-test-2", BuildPhase.Succeeded).step();
    assertThat(r.state("test")).isEqualTo(JobState.Running);
    assertThat(r.created()).isEmpty();
    r.set("web-12-build-test-1", BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly("web-12-build-report");
  }

  @Test
  void missingNodeOfAParallelJobIsRecreated() {
    JobSpec test = job("test");
    test.parallelism = 2;
    Run r = new Run(test);
    r.step();
    r.phases.remove("web-12-build-test-1"); // e.g. the create failed after the first node
    r.step();
    assertThat(r.created()).containsExactly("web-12-build-test-1");
  }

  @Test
  void cancelMidRun() {
    Run r = new Run(job("build"), job("lint"), job("test", "build"), typed("hold", JobType.APPROVAL));
    r.step();
    r.set("web-12-build-lint", BuildPhase.Succeeded).set("web-12-build-build", BuildPhase.Running);
    r.wf.getSpec().cancel = true;
    r.step();
    assertThat(r.last.buildsToCancel()).containsExactly("web-12-build-build");
    assertThat(r.created()).isEmpty();
    assertThat(r.state("test")).isEqualTo(JobState.Canceled);
    assertThat(r.state("hold")).isEqualTo(JobState.Canceled);
    assertThat(r.state("lint")).isEqualTo(JobState.Succeeded);
    assertThat(r.phase()).as("until the running build ended").isEqualTo(WorkflowPhase.Running);
    r.set("web-12-build-build", BuildPhase.Canceled).step();
    assertThat(r.last.buildsToCancel()).isEmpty();
    assertThat(r.state("build")).isEqualTo(JobState.Canceled);
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Canceled);
  }

  @Test
  void noOpJoinSucceedsWhenItsRequiresDo() {
    Run r = new Run(job("a"), job("b"), typed("join", JobType.NO_OP, "a", "b"), job("after", "join"));
    r.step();
    assertThat(r.state("join")).isEqualTo(JobState.Blocked);
    r.set("web-12-build-a", BuildPhase.Succeeded).set("web-12-build-b", BuildPhase.Succeeded).step();
    assertThat(r.state("join")).isEqualTo(JobState.Succeeded);
    assertThat(r.created()).containsExactly("web-12-build-after");
  }

  @Test
  void requiresOnAnUnknownJobFailsTheWorkflow() {
    Run r = new Run(job("build"), job("deploy", "tset"));
    r.step();
    assertThat(r.created()).isEmpty();
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Failed);
    assertThat(r.wf.getStatus().jobs).extracting(j -> j.state).containsOnly(JobState.NotRun);
    Condition c = Conditions.find(r.wf.getStatus().conditions, WorkflowPlanner.CONDITION_SUCCEEDED);
    assertThat(c.getReason()).isEqualTo("InvalidJobGraph");
    assertThat(c.getMessage()).isEqualTo("job \"deploy\" requires unknown job \"tset\"");
  }

  @Test
  void cycleFailsTheWorkflow() {
    Run r = new Run(job("a", "c"), job("b", "a"), job("c", "b"));
    r.step();
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Failed);
    assertThat(Conditions.find(r.wf.getStatus().conditions, WorkflowPlanner.CONDITION_SUCCEEDED).getMessage())
        .isEqualTo("jobs form a cycle: a -> c -> b -> a");
  }

  @Test
  void createdBuildsCarryLabelsOwnerAndSpec() {
    Run r = new Run(job("build"));
    r.step();
    Build b = r.last.buildsToCreate().get(0);
    assertThat(b.getMetadata().getNamespace()).isEqualTo("ci-acme");
    assertThat(b.getMetadata().getLabels())
        .containsEntry(CircletApi.LABEL_WORKFLOW, "web-12-build")
        .containsEntry(CircletApi.LABEL_PIPELINE, "web")
        .containsEntry(CircletApi.LABEL_ORGANIZATION, "acme")
        .containsEntry(CircletApi.LABEL_JOB, "build");
    assertThat(b.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("Workflow");
      assertThat(o.getUid()).isEqualTo("wf-uid-1");
      assertThat(o.getController()).isTrue();
    });
    assertThat(b.getSpec().organization).isEqualTo("acme");
    assertThat(b.getSpec().priority).isEqualTo(3);
    assertThat(b.getSpec().timeoutSeconds).isEqualTo(900L);
    assertThat(b.getSpec().parallelIndex).isNull();
    assertThat(b.getSpec().trigger).containsEntry("CIRCLE_SHA1", "abc123").containsEntry("CIRCLE_BRANCH", "main")
        .containsEntry("CIRCLE_PROJECT_USERNAME", "acme").containsEntry("CIRCLE_PROJECT_REPONAME", "web")
        .containsEntry("CIRCLE_WORKFLOW_ID", "wf-uid-1");
    assertThat(b.getSpec().job).isNotSameAs(r.wf.getSpec().jobs.get(0));
  }

  @Test
  void sameInputGivesAnEqualStatusAndInputIsNotMutated() {
    Run r = new Run(job("build"), job("test", "build"));
    r.step();
    r.set("web-12-build-build", BuildPhase.Running);
    WorkflowPlan first = planner.plan(r.wf, r.phases, T0.plusSeconds(100));
    WorkflowPlan second = planner.plan(r.wf, r.phases, T0.plusSeconds(200));
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asYaml(second.status()))
        .isEqualTo(io.fabric8.kubernetes.client.utils.Serialization.asYaml(first.status()));
    assertThat(first.status()).isNotSameAs(r.wf.getStatus());
    JobStatus build = first.status().job("build");
    assertThat(build.startedAt).as("kept from the first reconcile").isEqualTo("2026-01-01T00:00:10Z");
  }
}
