package dev.circlet.operator.reconciler;

import static dev.circlet.operator.reconciler.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.JobState;
import dev.circlet.api.v1alpha1.JobType;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.api.naming.Names;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workflows become Builds, Builds become pods, and the outcome flows back up. */
class WorkflowReconcilerTest {
  static final String NS = "ci";

  KubernetesClient client;
  OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = OperatorHarness.onMockServer();
    client = harness.client();
    harness.resourceClass("medium", ExecutorKind.DOCKER);
    harness.organization("acme", 10);
    harness.bind(NS, "acme");
    harness.start();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  static Workflow workflow(String name, JobSpec... jobs) {
    Workflow wf = new Workflow();
    wf.getMetadata().setNamespace(NS);
    wf.getMetadata().setName(name);
    WorkflowSpec spec = new WorkflowSpec();
    spec.pipeline = "app";
    spec.pipelineNumber = 7L;
    spec.workflowName = "main";
    spec.organization = "acme";
    spec.jobs = List.of(jobs);
    wf.setSpec(spec);
    return wf;
  }

  static JobSpec approval(String name, String... requires) {
    JobSpec j = new JobSpec();
    j.name = name;
    j.type = JobType.APPROVAL;
    j.requires = List.of(requires);
    return j;
  }

  static JobSpec job(String name, String... requires) {
    JobSpec j = OperatorHarness.job(name, "medium");
    j.requires = List.of(requires);
    return j;
  }

  WorkflowPhase phase(String name) {
    Workflow wf = client.resources(Workflow.class).inNamespace(NS).withName(name).get();
    return wf.getStatus() == null ? null : wf.getStatus().phase;
  }

  JobState jobState(String wf, String job) {
    Workflow w = client.resources(Workflow.class).inNamespace(NS).withName(wf).get();
    return w.getStatus() == null || w.getStatus().job(job) == null ? null : w.getStatus().job(job).state;
  }

  /** Waits for the Build of a job, lets the fake kubelet run it to {@code exitCode}. */
  void runJob(String wf, String job, int exitCode) {
    String build = Names.build(wf, job, null, 1);
    harness.awaitPhase(NS, build, BuildPhase.Admitted);
    harness.runPod(NS, Names.pod(build), "node-1");
    harness.finishPod(NS, Names.pod(build), exitCode);
    harness.awaitPhase(NS, build, exitCode == 0 ? BuildPhase.Succeeded : BuildPhase.Failed);
  }

  @Test
  void jobsRunInOrderThroughApprovalToSucceeded() {
    client.resource(workflow("wf1", job("build"), approval("hold", "build"), job("deploy", "hold"))).create();
    runJob("wf1", "build", 0);
    eventually().until(() -> phase("wf1") == WorkflowPhase.OnHold);
    assertThat(jobState("wf1", "hold")).isEqualTo(JobState.OnHold);
    assertThat(harness.get(NS, Names.build("wf1", "deploy", null, 1))).isNull();

    client.resources(Workflow.class).inNamespace(NS).withName("wf1").edit(w -> {
      w.getSpec().approvals = List.of("hold");
      return w;
    });
    runJob("wf1", "deploy", 0);
    eventually().until(() -> phase("wf1") == WorkflowPhase.Succeeded);
    assertThat(harness.buildPods(NS)).hasSize(2);
  }

  @Test
  void failedJobFailsTheWorkflowAndSkipsDependents() {
    client.resource(workflow("wf2", job("test"), job("deploy", "test"))).create();
    runJob("wf2", "test", 1);
    eventually().until(() -> phase("wf2") == WorkflowPhase.Failed);
    assertThat(jobState("wf2", "deploy")).isEqualTo(JobState.NotRun);
    assertThat(harness.get(NS, Names.build("wf2", "deploy", null, 1))).isNull();
    eventually().until(() -> client.v1().events().inNamespace(NS).list().getItems().stream()
        .anyMatch(e -> "Failed".equals(e.getReason()) && "Workflow".equals(e.getInvolvedObject().getKind())));
  }

  @Test
  void cancelingTheWorkflowCancelsItsRunningBuilds() {
    client.resource(workflow("wf3", job("slow"))).create();
    String build = Names.build("wf3", "slow", null, 1);
    harness.awaitPhase(NS, build, BuildPhase.Admitted);
    harness.runPod(NS, Names.pod(build), "node-1");
    harness.awaitPhase(NS, build, BuildPhase.Running);

    client.resources(Workflow.class).inNamespace(NS).withName("wf3").edit(w -> {
      w.getSpec().cancel = true;
      return w;
    });
    harness.awaitPhase(NS, build, BuildPhase.Canceled);
    Build canceled = harness.get(NS, build);
    assertThat(canceled.getSpec().cancelRequested()).isTrue();
    eventually().until(() -> phase("wf3") == WorkflowPhase.Canceled);
    eventually().until(() -> client.pods().inNamespace(NS).withName(Names.pod(build)).get() == null);
  }
}
