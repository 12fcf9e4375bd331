package dev.circlet.operator.reconciler;

import static dev.circlet.operator.reconciler.OperatorHarness.build;
import static dev.circlet.operator.reconciler.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.api.naming.Names;
import dev.circlet.operator.pod.AgentJobFile;
import dev.circlet.operator.tenancy.OrganizationBinding;
import dev.circlet.operator.workflow.WorkflowPlanner;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant attacks through the objects it may create in its own namespace: naming another
 * organization, planting a pod or a Build under a name the operator derives, asking for an extreme
 * priority, or a job whose pod can never exist. The real operator on the mock API server.
 */
class TenancyAttackTest {
  /** acme's namespace. */
  static final String ACME = "acme-ci";
  /** The attacker's namespace, bound to its own organization "hobby". */
  static final String HOBBY = "hobby";

  KubernetesClient client;
  OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = OperatorHarness.onMockServer();
    client = harness.client();
    harness.resourceClass("medium", ExecutorKind.DOCKER);
    harness.organization("acme", 1);
    harness.organization("hobby", 5);
    harness.bind(ACME, "acme");
    harness.bind(HOBBY, "hobby");
    harness.start();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  Build status(String ns, String name) {
    eventually().until(() -> {
      Build b = harness.get(ns, name);
      return b.getStatus() != null && b.getStatus().phase != null && b.getStatus().phase != BuildPhase.Queued;
    });
    return harness.get(ns, name);
  }

  @Test
  void aBuildNamingAnotherOrganizationFailsAndTakesNothingOfIt() {
    harness.create(build(ACME, "a1", "acme", "medium"));
    harness.awaitPhase(ACME, "a1", BuildPhase.Admitted);

    Build attack = build(HOBBY, "steal", "acme", "medium");
    attack.getSpec().priority = 1_000_000;
    attack.getSpec().job.serialGroup = "deploy";
    client.resource(attack).create();
    Build failed = status(HOBBY, "steal");
    assertThat(failed.getStatus().phase).isEqualTo(BuildPhase.Failed);
    assertThat(failed.getStatus().reason).isEqualTo(OrganizationBinding.REASON);
    assertThat(failed.getStatus().message).contains("bound to organization \"hobby\"", "may not use \"acme\"");
    assertThat(harness.buildPods(HOBBY)).isEmpty();
    var admission = harness.operator().admission();
    assertThat(admission.queued("acme")).as("acme's queue").isZero();
    assertThat(admission.holding("acme")).as("acme's slots").isEqualTo(1);

    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("stray").endMetadata().build())
        .create();
    client.resource(build("stray", "s1", "acme", "medium")).create();
    Build unbound = status("stray", "s1");
    assertThat(unbound.getStatus().phase).isEqualTo(BuildPhase.Failed);
    assertThat(unbound.getStatus().message).contains("not bound to any organization");
    assertThat(admission.queued("acme")).isZero();
  }

  @Test
  void aWorkflowNamingAnotherOrganizationFailsWithoutCreatingBuilds() {
    Workflow wf = WorkflowReconcilerTest.workflow("wf-steal", WorkflowReconcilerTest.job("test"));
    wf.getMetadata().setNamespace(HOBBY);
    client.resource(wf).create();
    eventually().until(() -> {
      Workflow w = client.resources(Workflow.class).inNamespace(HOBBY).withName("wf-steal").get();
      return w.getStatus() != null && w.getStatus().phase == WorkflowPhase.Failed;
    });
    Workflow w = client.resources(Workflow.class).inNamespace(HOBBY).withName("wf-steal").get();
    Condition c = Conditions.find(w.getStatus().conditions, WorkflowPlanner.CONDITION_SUCCEEDED);
    assertThat(c.getReason()).isEqualTo(OrganizationBinding.REASON);
    assertThat(c.getMessage()).contains("may not use \"acme\"");
    assertThat(client.resources(Build.class).inNamespace(HOBBY).list().getItems()).isEmpty();
  }

  @Test
  void aPipelineNamingAnotherOrganizationIsReportedUntilAnAdminBindsTheNamespace() {
    Pipeline p = new Pipeline();
    p.getMetadata().setNamespace(HOBBY);
    p.getMetadata().setName("web");
    p.setSpec(new PipelineSpec());
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = "https://github.com/hobby/web.git";
    p.getSpec().organization = "acme";
    client.resource(p).create();
    eventually().until(() -> bound(HOBBY, "web") != null && "False".equals(bound(HOBBY, "web").getStatus()));
    assertThat(bound(HOBBY, "web").getReason()).isEqualTo(OrganizationBinding.REASON);

    harness.bind(HOBBY, "acme");
    eventually().alias("OrganizationBound=True once the namespace is acme's")
        .until(() -> "True".equals(bound(HOBBY, "web").getStatus()));
  }

  private Condition bound(String ns, String name) {
    Pipeline p = client.resources(Pipeline.class).inNamespace(ns).withName(name).get();
    return p.getStatus() == null ? null : Conditions.find(p.getStatus().conditions, PipelineReconciler.ORGANIZATION_BOUND);
  }

  @Test
  void priorityIsHeldWithinTheOrganizationsMaximum() {
    // acme keeps the default maxPriority of 100.
    harness.create(build(ACME, "first", "acme", "medium"));
    harness.awaitPhase(ACME, "first", BuildPhase.Admitted);
    Build early = build(ACME, "a-early", "acme", "medium");
    early.getSpec().priority = 100;
    harness.create(early);
    eventually().until(() -> harness.get(ACME, "a-early").getStatus() != null
        && "OrganizationAtCapacity".equals(harness.get(ACME, "a-early").getStatus().reason));
    Build jumper = build(ACME, "b-late", "acme", "medium");
    jumper.getSpec().priority = Integer.MAX_VALUE;
    harness.create(jumper);
    eventually().until(() -> harness.operator().admission().queued("acme") == 2);

    harness.runPod(ACME, "first", "node-1");
    harness.finishPod(ACME, "first", 0);
    harness.awaitPhase(ACME, "a-early", BuildPhase.Admitted);
    assertThat(harness.get(ACME, "b-late").getStatus().phase).isEqualTo(BuildPhase.Queued);
  }

  @Test
  void aPlantedPodWithTheBuildsNameAndLabelsIsNotAdopted() {
    Pod planted = client.pods().resource(new PodBuilder().withNewMetadata().withNamespace(ACME)
        .withName(Names.pod("p1")).addToLabels(CircletApi.LABEL_BUILD, "p1").endMetadata()
        .withNewSpec().addNewContainer().withName("x").withImage("busybox").endContainer().endSpec().build())
        .create();
    harness.create(build(ACME, "p1", "acme", "medium"));
    Build b = status(ACME, "p1");
    assertThat(b.getStatus().phase).isEqualTo(BuildPhase.Failed);
    assertThat(b.getStatus().reason).isEqualTo(BuildLauncher.REASON_NAME_TAKEN);
    Pod after = client.pods().inNamespace(ACME).withName(Names.pod("p1")).get();
    assertThat(after.getMetadata().getUid()).isEqualTo(planted.getMetadata().getUid());
    assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(harness.operator().admission().holding("acme")).as("the slot is released").isZero();
  }

  @Test
  void aBuildWhosePodCanNeverExistFailsAndLeavesTheSlotFree() {
    Build root = build(ACME, "root", "acme", "medium");
    root.getSpec().job.executor.images.get(0).user = "root";
    harness.create(root);
    Build failed = status(ACME, "root");
    assertThat(failed.getStatus().phase).isEqualTo(BuildPhase.Failed);
    assertThat(failed.getStatus().reason).isEqualTo(BuildLauncher.REASON_REJECTED);
    assertThat(failed.getStatus().message).contains("as root");

    Build clash = build(ACME, "clash", "acme", "medium");
    clash.getSpec().job.workingDirectory = "/circlet/project";
    harness.create(clash);
    assertThat(status(ACME, "clash").getStatus().message).contains("would collide with Circlet's own mount at /circlet");

    // A job.json too large for the pod's annotation fails with its own reason and the sizes.
    Build huge = build(ACME, "huge", "acme", "medium");
    huge.getSpec().job.environment.put("BLOB", "x".repeat(AgentJobFile.MAX_BYTES));
    harness.create(huge);
    Build tooLarge = status(ACME, "huge");
    assertThat(tooLarge.getStatus().phase).isEqualTo(BuildPhase.Failed);
    assertThat(tooLarge.getStatus().reason).isEqualTo(AgentJobFile.REASON_TOO_LARGE);
    assertThat(tooLarge.getStatus().message).contains("bytes of job.json").contains(String.valueOf(AgentJobFile.MAX_BYTES));

    // acme has one slot: it is free for the next Build.
    harness.create(build(ACME, "next", "acme", "medium"));
    harness.awaitPhase(ACME, "next", BuildPhase.Admitted);
    assertThat(harness.buildPods(ACME)).extracting(p -> p.getMetadata().getName()).containsExactly("next");
  }

  @Test
  void aBuildNameTakenByAForeignBuildIsReportedNotAdopted() {
    String name = Names.build("wf-taken", "test", null, 1);
    harness.create(build(ACME, name, "acme", "medium"));
    Workflow wf = WorkflowReconcilerTest.workflow("wf-taken", WorkflowReconcilerTest.job("test"));
    wf.getMetadata().setNamespace(ACME);
    client.resource(wf).create();
    eventually().alias("BuildsCreated=False naming the taken Build").until(() -> {
      Workflow w = client.resources(Workflow.class).inNamespace(ACME).withName("wf-taken").get();
      Condition c = w.getStatus() == null ? null
          : Conditions.find(w.getStatus().conditions, WorkflowReconciler.CONDITION_BUILDS_CREATED);
      return c != null && "False".equals(c.getStatus()) && "BuildNameTaken".equals(c.getReason())
          && c.getMessage().contains(name);
    });
    Build foreign = harness.get(ACME, name);
    assertThat(foreign.getMetadata().getOwnerReferences()).isNullOrEmpty();
  }
}
