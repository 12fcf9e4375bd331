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

  /** The name of the Build of {@code job} of the workflow run {@code web-12-build}. */
  static String b(String job) {
    return dev.circlet.api.naming.Names.build("web-12-build", job, null, 1);
  }

  static String b(String job, int index, int total) {
    return dev.circlet.api.naming.Names.build("web-12-build", job, index, total);
  }

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
    assertThat(r.created()).containsExactly(b("build"));
    assertThat(r.state("test")).isEqualTo(JobState.Blocked);
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Running);
    assertThat(r.step().buildsToCreate()).as("nothing new while build runs").isEmpty();
    r.set(b("build"), BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly(b("test"));
    r.set(b("test"), BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly(b("deploy"));
    r.set(b("deploy"), BuildPhase.Succeeded).step();
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
    r.set(b("build"), BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly(b("unit"), b("lint"), b("e2e"));
    r.set(b("unit"), BuildPhase.Succeeded).set(b("lint"), BuildPhase.Succeeded).step();
    assertThat(r.created()).isEmpty();
    assertThat(r.state("deploy")).isEqualTo(JobState.Blocked);
    r.set(b("e2e"), BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly(b("deploy"));
  }

  /** attach_workspace in a pod applies the layers of exactly these jobs, as on CircleCI. */
  @Test
  void buildsNameTheirUpstreamJobsTransitivelyAndNoSiblings() {
    Run r = new Run(job("checkout"), job("build", "checkout"), job("docs", "checkout"), job("unit", "build"),
        job("lint", "build"), job("deploy", "unit", "lint"));
    r.step();
    assertThat(r.last.buildsToCreate().get(0).getSpec().upstreamJobs).isEmpty();
    r.set(b("checkout"), BuildPhase.Succeeded).step();
    r.set(b("build"), BuildPhase.Succeeded).set(b("docs"), BuildPhase.Succeeded).step();
    assertThat(r.last.buildsToCreate()).extracting(b -> b.getSpec().upstreamJobs)
        .containsOnly(List.of("checkout", "build"));
    r.set(b("unit"), BuildPhase.Succeeded).set(b("lint"), BuildPhase.Succeeded).step();
    Build deploy = r.last.buildsToCreate().get(0);
    assertThat(deploy.getMetadata().getName()).isEqualTo(b("deploy"));
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
    r.set(b("build"), BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly(b("test"), b("either"));
    assertThat(r.state("cleanup")).as("waits while its required job runs").isEqualTo(JobState.Blocked);
    r.set(b("test"), BuildPhase.Failed).step();
    assertThat(r.state("deploy")).isEqualTo(JobState.NotRun);
    assertThat(r.created()).as("deploy did not run, so its fallback does")
        .containsExactly(b("notify-failure"), b("cleanup"), b("fallback"));
    r.set(b("notify-failure"), BuildPhase.Succeeded).set(b("cleanup"), BuildPhase.Succeeded)
        .set(b("fallback"), BuildPhase.Succeeded).set(b("either"), BuildPhase.Succeeded).step();
    assertThat(r.wf.getStatus().phase).as("a failed job still fails the workflow").isEqualTo(WorkflowPhase.Failed);
  }

  @Test
  void aSuccessLeavesFailureHandlersNotRun() {
    Run r = new Run(job("build"), requiring("notify-failure", "build", "failed"), requiring("cleanup", "build", "terminal"));
    r.step();
    r.set(b("build"), BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly(b("cleanup"));
    assertThat(r.state("notify-failure")).isEqualTo(JobState.NotRun);
    r.set(b("cleanup"), BuildPhase.Succeeded).step();
    assertThat(r.wf.getStatus().phase).isEqualTo(WorkflowPhase.Succeeded);
  }

  @Test
  void failurePropagatesToNotRun() {
    Run r = new Run(job("build"), job("test", "build"), job("lint"), job("deploy", "test", "lint"));
    r.step();
    assertThat(r.created()).containsExactly(b("build"), b("lint"));
    r.set(b("build"), BuildPhase.Failed).step();
    assertThat(r.state("test")).isEqualTo(JobState.NotRun);
    assertThat(r.state("deploy")).isEqualTo(JobState.NotRun);
    assertThat(r.phase()).as("lint still runs").isEqualTo(WorkflowPhase.Running);
    r.set(b("lint"), BuildPhase.Succeeded).step();
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
    r.set(b("build"), BuildPhase.TimedOut).step();
    assertThat(r.state("build")).isEqualTo(JobState.Failed);
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Failed);
  }

  @Test
  void approvalHoldsThenReleases() {
    Run r = new Run(job("build"), typed("hold", JobType.APPROVAL, "build"), job("deploy", "hold"));
    r.step();
    r.set(b("build"), BuildPhase.Succeeded).step();
    assertThat(r.state("hold")).isEqualTo(JobState.OnHold);
    assertThat(r.phase()).isEqualTo(WorkflowPhase.OnHold);
    assertThat(r.created()).isEmpty();
    r.wf.getSpec().approvals.add("hold");
    r.step();
    assertThat(r.state("hold")).isEqualTo(JobState.Succeeded);
    assertThat(r.created()).containsExactly(b("deploy"));
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Running);
  }

  @Test
  void parallelismMakesOneBuildPerNode() {
    JobSpec test = job("test", "build");
    test.parallelism = 3;
    Run r = new Run(job("build"), test, job("report", "test"));
    r.step();
    r.set(b("build"), BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly(b("test", 0, 3), b("test", 1, 3), b("test", 2, 3));
    Build node1 = r.last.buildsToCreate().get(1);
    assertThat(node1.getSpec().parallelIndex).isEqualTo(1);
    assertThat(node1.getSpec().parallelTotal).isEqualTo(3);
    assertThat(r.wf.getStatus().job("test").builds).hasSize(3);
    r.set(b("test", 0, 3), BuildPhase.Succeeded).set(b("test", 2, 3), BuildPhase.Succeeded).step();
    assertThat(r.state("test")).isEqualTo(JobState.Running);
    assertThat(r.created()).isEmpty();
    r.set(b("test", 1, 3), BuildPhase.Succeeded).step();
    assertThat(r.created()).containsExactly(b("report"));
  }

  @Test
  void missingNodeOfAParallelJobIsRecreated() {
    JobSpec test = job("test");
    test.parallelism = 2;
    Run r = new Run(test);
    r.step();
    r.phases.remove(b("test", 1, 3)); // e.g. the create failed after the first node
    r.step();
    assertThat(r.created()).containsExactly(b("test", 1, 3));
  }

  @Test
  void cancelMidRun() {
    Run r = new Run(job("build"), job("lint"), job("test", "build"), typed("hold", JobType.APPROVAL));
    r.step();
    r.set(b("lint"), BuildPhase.Succeeded).set(b("build"), BuildPhase.Running);
    r.wf.getSpec().cancel = true;
    r.step();
    assertThat(r.last.buildsToCancel()).containsExactly(b("build"));
    assertThat(r.created()).isEmpty();
    assertThat(r.state("test")).isEqualTo(JobState.Canceled);
    assertThat(r.state("hold")).isEqualTo(JobState.Canceled);
    assertThat(r.state("lint")).isEqualTo(JobState.Succeeded);
    assertThat(r.phase()).as("until the running build ended").isEqualTo(WorkflowPhase.Running);
    r.set(b("build"), BuildPhase.Canceled).step();
    assertThat(r.last.buildsToCancel()).isEmpty();
    assertThat(r.state("build")).isEqualTo(JobState.Canceled);
    assertThat(r.phase()).isEqualTo(WorkflowPhase.Canceled);
  }

  @Test
  void noOpJoinSucceedsWhenItsRequiresDo() {
    Run r = new Run(job("a"), job("b"), typed("join", JobType.NO_OP, "a", "b"), job("after", "join"));
    r.step();
    assertThat(r.state("join")).isEqualTo(JobState.Blocked);
    r.set(b("a"), BuildPhase.Succeeded).set(b("b"), BuildPhase.Succeeded).step();
    assertThat(r.state("join")).isEqualTo(JobState.Succeeded);
    assertThat(r.created()).containsExactly(b("after"));
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
    r.set(b("build"), BuildPhase.Running);
    WorkflowPlan first = planner.plan(r.wf, r.phases, T0.plusSeconds(100));
    WorkflowPlan second = planner.plan(r.wf, r.phases, T0.plusSeconds(200));
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asYaml(second.status()))
        .isEqualTo(io.fabric8.kubernetes.client.utils.Serialization.asYaml(first.status()));
    assertThat(first.status()).isNotSameAs(r.wf.getStatus());
    JobStatus build = first.status().job("build");
    assertThat(build.startedAt).as("kept from the first reconcile").isEqualTo("2026-01-01T00:00:10Z");
  }
}
