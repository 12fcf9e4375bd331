package dev.circlet.kubetest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local control plane really schedules, collects garbage and runs pods to completion. */
@KubeCluster
class ControlPlaneSmokeTest {

  static String ns;

  @BeforeAll
  static void namespace(KubeControlPlane cp) {
    ns = "smoke-" + UUID.randomUUID().toString().substring(0, 8);
    cp.createNamespace(ns);
  }

  @Test
  void startsWithTheDefaultNodePools(KubernetesClient client, KubeControlPlane cp) {
    assertThat(cp.startupTime()).isLessThan(Duration.ofSeconds(60));
    List<Node> nodes = client.nodes().withLabel("type", "kwok").list().getItems();
    assertThat(nodes).extracting(n -> n.getMetadata().getName()).contains(
        "general-0", "general-1", "general-2", "highcpu-0", "highcpu-1", "arm-0", "arm-1");
    Node arm = client.nodes().withName("arm-0").get();
    assertThat(arm.getMetadata().getLabels()).containsEntry("kubernetes.io/arch", "arm64")
        .containsEntry("circlet.dev/pool", "arm");
    assertThat(arm.getSpec().getTaints()).anySatisfy(t -> {
      assertThat(t.getKey()).isEqualTo("circlet.dev/arch");
      assertThat(t.getEffect()).isEqualTo("NoSchedule");
    });
    Node highcpu = client.nodes().withName("highcpu-0").get();
    assertThat(highcpu.getStatus().getAllocatable()).containsEntry("cpu", new Quantity("32"));
    assertThat(Readiness.isReady(highcpu)).isTrue();
  }

  @Test
  void kubeconfigFileWorksForOtherClients(KubeControlPlane cp) throws Exception {
    Config config = Config.fromKubeconfig(Files.readString(cp.kubeconfigPath()));
    try (KubernetesClient other = new KubernetesClientBuilder().withConfig(config).build()) {
      assertThat(other.getMasterUrl().toString()).startsWith(cp.masterUrl());
      assertThat(other.namespaces().withName(ns).get()).isNotNull();
      assertThat(other.getKubernetesVersion().getGitVersion()).startsWith("v1.");
    }
  }

  @Test
  void schedulesOntoTheSelectedPool(KubernetesClient client) {
    Pod pod = client.pods().inNamespace(ns).resource(pod("highcpu-pod")
        .editSpec().withNodeSelector(Map.of("circlet.dev/pool", "highcpu")).endSpec().build()).create();
    Pod scheduled = awaitScheduled(client, pod.getMetadata().getName());
    assertThat(scheduled.getSpec().getNodeName()).startsWith("highcpu-");
  }

  @Test
  void armPodsNeedTheTolerationAndLandOnArmNodes(KubernetesClient client) {
    Toleration arm = new TolerationBuilder().withKey("circlet.dev/arch").withOperator("Equal").withValue("arm64")
        .withEffect("NoSchedule").build();
    client.pods().inNamespace(ns).resource(pod("arm-pod")
        .editSpec().withNodeSelector(Map.of("circlet.dev/pool", "arm")).withTolerations(arm).endSpec().build())
        .create();
    Pod scheduled = awaitScheduled(client, "arm-pod");
    assertThat(scheduled.getSpec().getNodeName()).startsWith("arm-");

    // without the toleration the taint keeps it off the arm nodes
    client.pods().inNamespace(ns).resource(pod("arm-pod-untolerated")
        .editSpec().withNodeSelector(Map.of("circlet.dev/pool", "arm")).endSpec().build()).create();
    PodCondition c = awaitUnschedulable(client, "arm-pod-untolerated");
    assertThat(c.getMessage()).contains("untolerated taint");
  }

  @Test
  void unsatisfiablePodIsReportedUnschedulable(KubernetesClient client) {
    client.pods().inNamespace(ns).resource(pod("nowhere")
        .editSpec().withNodeSelector(Map.of("circlet.dev/pool", "none")).endSpec().build()).create();
    PodCondition c = awaitUnschedulable(client, "nowhere");
    assertThat(c.getMessage()).contains("didn't match Pod's node affinity/selector");
    assertThat(client.pods().inNamespace(ns).withName("nowhere").get().getSpec().getNodeName()).isNull();
  }

  @Test
  void tooLargeRequestsAreUnschedulable(KubernetesClient client) {
    client.pods().inNamespace(ns).resource(pod("huge")
        .editSpec().withNodeSelector(Map.of("circlet.dev/pool", "general"))
        .editFirstContainer().editOrNewResources().addToRequests("cpu", new Quantity("16")).endResources()
        .endContainer().endSpec().build()).create();
    PodCondition c = awaitUnschedulable(client, "huge");
    assertThat(c.getMessage()).contains("Insufficient cpu");
  }

  @Test
  void garbageCollectorDeletesDependents(KubernetesClient client) {
    ConfigMap owner = client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("owner").endMetadata().addToData("k", "v").build()).create();
    client.pods().inNamespace(ns).resource(pod("owned")
        .editMetadata().addNewOwnerReference()
          .withApiVersion("v1").withKind("ConfigMap").withName("owner").withUid(owner.getMetadata().getUid())
        .endOwnerReference().endMetadata()
        .build()).create();
    awaitScheduled(client, "owned");

    client.configMaps().inNamespace(ns).withName("owner").delete();
    client.pods().inNamespace(ns).withName("owned").waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
  }

  @Test
  void podRunsThenSucceedsThroughTheFakeKubelet(KubernetesClient client, FakeKubelet kubelet) {
    client.pods().inNamespace(ns).resource(pod("runner").build()).create();
    Pod running = kubelet.awaitRunning(ns, "runner", Duration.ofSeconds(60));
    assertThat(running.getStatus().getPodIP()).isNotBlank();
    assertThat(running.getStatus().getContainerStatuses()).singleElement()
        .satisfies(cs -> assertThat(cs.getState().getRunning()).isNotNull());

    Pod done = kubelet.succeed(ns, "runner");
    assertThat(done.getStatus().getPhase()).isEqualTo("Succeeded");
    // kwok leaves it alone afterwards
    sleep(1500);
    Pod later = client.pods().inNamespace(ns).withName("runner").get();
    assertThat(later.getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(later.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isZero();
  }

  @Test
  void fakeKubeletCanFailOneContainer(KubernetesClient client, FakeKubelet kubelet) {
    client.pods().inNamespace(ns).resource(pod("two")
        .editSpec().addNewContainer().withName("service").withImage("postgres:16").endContainer().endSpec()
        .build()).create();
    kubelet.awaitRunning(ns, "two", Duration.ofSeconds(60));
    Pod failed = kubelet.terminate(ns, "two", Map.of("main", 2), 0);
    assertThat(failed.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(failed.getStatus().getContainerStatuses())
        .extracting(ContainerStatus::getName, cs -> cs.getState().getTerminated().getExitCode())
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("main", 2),
            org.assertj.core.groups.Tuple.tuple("service", 0));
  }

  @Test
  void kwokEndsAnnotatedPods(KubernetesClient client, FakeKubelet kubelet) {
    client.pods().inNamespace(ns).resource(pod("annotated-fail")
        .editMetadata().addToAnnotations(KubeControlPlane.FAKE_EXIT_CODE_ANNOTATION, "3")
        .addToAnnotations(KubeControlPlane.FAKE_RUN_DURATION_ANNOTATION, "1s").endMetadata()
        .build()).create();
    Pod failed = kubelet.awaitTerminated(ns, "annotated-fail", Duration.ofSeconds(60));
    assertThat(failed.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(failed.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
        .isEqualTo(3);

    client.pods().inNamespace(ns).resource(pod("later-success").build()).create();
    kubelet.awaitRunning(ns, "later-success", Duration.ofSeconds(60));
    kubelet.exitAfter(ns, "later-success", 0, Duration.ZERO);
    Pod ok = kubelet.awaitTerminated(ns, "later-success", Duration.ofSeconds(60));
    assertThat(ok.getStatus().getPhase()).isEqualTo("Succeeded");
  }

  @Test
  void jobsComplete(KubernetesClient client) {
    Job job = new JobBuilder().withNewMetadata().withName("job").endMetadata()
        .withNewSpec().withBackoffLimit(0).withNewTemplate().withSpec(pod("x").build().getSpec()).endTemplate()
        .endSpec().build();
    client.batch().v1().jobs().inNamespace(ns).resource(job).create();
    client.batch().v1().jobs().inNamespace(ns).withName("job").waitUntilCondition(j -> j != null
        && j.getStatus() != null && j.getStatus().getSucceeded() != null && j.getStatus().getSucceeded() == 1,
        60, TimeUnit.SECONDS);
  }

  @Test
  void appliesCrdsAndWaitsUntilEstablished(KubeControlPlane cp, KubernetesClient client) {
    Path dir = Paths.get("src/test/resources/crds");
    assertThat(cp.applyCrds(dir)).containsExactly("widgets.test.circlet.dev");
    ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder()
        .withGroup("test.circlet.dev").withVersion("v1").withKind("Widget").withPlural("widgets").withNamespaced(true)
        .build();
    GenericKubernetesResource w = new GenericKubernetesResourceBuilder().withApiVersion("test.circlet.dev/v1")
        .withKind("Widget").withNewMetadata().withName("w1").withNamespace(ns).endMetadata()
        .addToAdditionalProperties("spec", Map.of("size", 3)).build();
    client.genericKubernetesResources(ctx).inNamespace(ns).resource(w).create();
    assertThat(client.genericKubernetesResources(ctx).inNamespace(ns).withName("w1").get()).isNotNull();
    // re-applying is a no-op
    assertThat(cp.applyCrds(dir)).hasSize(1);
  }

  // ------------------------------------------------------------------------------------------

  static PodBuilder pod(String name) {
    return new PodBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec()
          .withRestartPolicy("Never")
          .addNewContainer().withName("main").withImage("cimg/base:stable")
            .withNewResources().addToRequests("cpu", new Quantity("1")).addToRequests("memory", new Quantity("1Gi"))
            .endResources()
          .endContainer()
        .endSpec();
  }

  static Pod awaitScheduled(KubernetesClient client, String name) {
    return client.pods().inNamespace(ns).withName(name).waitUntilCondition(
        p -> p != null && p.getSpec().getNodeName() != null, 60, TimeUnit.SECONDS);
  }

  static PodCondition awaitUnschedulable(KubernetesClient client, String name) {
    Pod p = client.pods().inNamespace(ns).withName(name).waitUntilCondition(
        x -> scheduledCondition(x).filter(c -> "False".equals(c.getStatus())).isPresent(), 60, TimeUnit.SECONDS);
    PodCondition c = scheduledCondition(p).orElseThrow();
    assertThat(c.getReason()).isEqualTo("Unschedulable");
    return c;
  }

  static Optional<PodCondition> scheduledCondition(Pod p) {
    if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return p.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
