package dev.circlet.operator.reconciler;

import static dev.circlet.operator.reconciler.OperatorHarness.build;
import static dev.circlet.operator.reconciler.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.Organization;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Organization capacity holds while Builds come and go, and across an operator restart. */
class AdmissionCapacityTest {
  /** Each organization's own namespace: a namespace is bound to one organization. */
  static String ns(String org) {
    return "ci-" + org;
  }

  /** The namespace of a Build of this test, from its name ({@code alpha-…}, {@code beta-…}, deploys are beta's). */
  static String nsOf(String build) {
    return ns(build.startsWith("alpha-") ? "alpha" : "beta");
  }
  static final Map<String, Integer> MAX = Map.of("alpha", 2, "beta", 3);

  KubernetesMockServer server;
  KubernetesClient client;
  OperatorHarness harness;

  @BeforeEach
  void start() {
    server = OperatorHarness.mockServer();
    client = OperatorHarness.client(server);
    harness = new OperatorHarness(client, OperatorSettings.defaults());
    harness.installCrds();
    harness.resourceClass("medium", ExecutorKind.DOCKER);
    MAX.forEach((org, max) -> harness.organization(org, max));
  }

  @AfterEach
  void stop() {
    harness.close();
    client.close();
    server.destroy();
  }

  List<Build> builds() {
    return client.resources(Build.class).inAnyNamespace().list().getItems();
  }

  List<Pod> pods() {
    List<Pod> all = new java.util.ArrayList<>(harness.buildPods(ns("alpha")));
    all.addAll(harness.buildPods(ns("beta")));
    return all;
  }

  static BuildPhase phase(Build b) {
    return b.getStatus() == null ? null : b.getStatus().phase;
  }

  /** Pods that have not ended, per organization. */
  Map<String, Long> activePods() {
    return pods().stream()
        .filter(p -> p.getStatus() == null || !List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
        .collect(Collectors.groupingBy(p -> p.getMetadata().getLabels().get(CircletApi.LABEL_ORGANIZATION),
            Collectors.counting()));
  }

  void assertWithinCapacity() {
    activePods().forEach((org, n) -> assertThat(n).as("active pods of " + org).isLessThanOrEqualTo(MAX.get(org)));
    Map<String, Long> holding = builds().stream().filter(b -> phase(b) != null && phase(b).holdsCapacity())
        .collect(Collectors.groupingBy(b -> b.getSpec().organization, Collectors.counting()));
    holding.forEach((org, n) -> assertThat(n).as("Builds holding a slot in " + org).isLessThanOrEqualTo(MAX.get(org)));
  }

  @Test
  void capacityIsNeverExceededAcrossTwoOrganizations() {
    harness.start();
    for (int i = 0; i < 8; i++) {
      harness.create(build(ns("alpha"), "alpha-" + i, "alpha", "medium"));
      harness.create(build(ns("beta"), "beta-" + i, "beta", "medium"));
    }
    int finished = 0;
    while (finished < 16) {
      eventually().until(() -> activePods().values().stream().mapToLong(Long::longValue).sum() > 0);
      assertWithinCapacity();
      Pod next = pods().stream()
          .filter(p -> p.getStatus() == null || p.getStatus().getPhase() == null
              || "Pending".equals(p.getStatus().getPhase()))
          .findFirst().orElse(null);
      if (next == null) {
        continue;
      }
      harness.runPod(nsOf(next.getMetadata().getName()), next.getMetadata().getName(), "node-1");
      harness.finishPod(nsOf(next.getMetadata().getName()), next.getMetadata().getName(), 0);
      harness.awaitPhase(nsOf(next.getMetadata().getName()), next.getMetadata().getName(), BuildPhase.Succeeded);
      finished++;
    }
    assertWithinCapacity();
    assertThat(builds()).allMatch(b -> phase(b) == BuildPhase.Succeeded);
    assertThat(pods()).hasSize(16);
    eventually().until(() -> {
      Organization alpha = client.resources(Organization.class).withName("alpha").get();
      return alpha.getStatus() != null && Integer.valueOf(0).equals(alpha.getStatus().running)
          && Integer.valueOf(0).equals(alpha.getStatus().queued);
    });
  }

  @Test
  void restartRebuildsHeldSlotsAndCreatesNoSecondPod() {
    harness.start();
    for (int i = 0; i < 5; i++) {
      harness.create(build(ns("alpha"), "alpha-" + i, "alpha", "medium"));
    }
    eventually().until(() -> builds().stream().filter(b -> phase(b) == BuildPhase.Admitted).count() == 2
        && builds().stream().filter(b -> phase(b) == BuildPhase.Queued).count() == 3);
    List<String> podsBefore = pods().stream().map(p -> p.getMetadata().getUid()).sorted().toList();
    assertThat(podsBefore).hasSize(2);

    harness.restart();
    var admission = harness.operator().admission();
    eventually().until(() -> admission.seeded() && admission.holding("alpha") == 2 && admission.queued("alpha") == 3);
    assertThat(pods().stream().map(p -> p.getMetadata().getUid()).sorted().toList())
        .isEqualTo(podsBefore);
    assertWithinCapacity();

    for (Pod p : pods()) {
      harness.runPod(nsOf(p.getMetadata().getName()), p.getMetadata().getName(), "node-1");
      harness.finishPod(nsOf(p.getMetadata().getName()), p.getMetadata().getName(), 0);
    }
    eventually().until(() -> pods().size() == 4);
    assertWithinCapacity();
    for (Build b : builds()) {
      assertThat(pods().stream().filter(p -> p.getMetadata().getName().equals(b.getMetadata().getName())))
          .hasSizeLessThanOrEqualTo(1);
    }
  }
  @Test
  void serialGroupRunsItsBuildsOneAtATimeInQueueOrder() {
    harness.start();
    for (int i = 1; i <= 3; i++) {
      Build deploy = build(ns("beta"), "deploy-" + i, "beta", "medium");
      deploy.getSpec().job.serialGroup = "production";
      harness.create(deploy);
      harness.awaitPhase(nsOf("deploy-" + i), "deploy-" + i, i == 1 ? BuildPhase.Admitted : BuildPhase.Queued);
    }
    assertThat(harness.get(ns("beta"), "deploy-2").getStatus().reason).isEqualTo("SerialGroup");
    assertThat(harness.get(ns("beta"), "deploy-3").getStatus().message)
        .contains("serial group \"production\" is held by ci-beta/deploy-1", "1 queued before this one");
    assertThat(pods()).extracting(p -> p.getMetadata().getName()).containsExactly("deploy-1");

    for (int i = 1; i <= 3; i++) {
      String name = "deploy-" + i;
      harness.awaitPhase(nsOf(name), name, BuildPhase.Admitted);
      assertThat(builds().stream().filter(b -> phase(b) != null && phase(b).holdsCapacity()).count())
          .as("Builds of the serial group holding a slot").isEqualTo(1);
      if (i == 2) {
        eventually().until(() -> harness.get(ns("beta"), "deploy-3").getStatus().message
            .contains("is held by ci-beta/deploy-2; 0 queued before this one"));
      }
      harness.runPod(nsOf(name), name, "node-1");
      harness.finishPod(nsOf(name), name, 0);
      harness.awaitPhase(nsOf(name), name, BuildPhase.Succeeded);
    }
    assertThat(pods()).hasSize(3);
  }

  @Test
  void clusterCapLimitsAllOrganizationsTogether() {
    harness.close();
    harness = new OperatorHarness(client, OperatorSettings.defaults().withClusterMaxBuilds(3));
    harness.start();
    for (int i = 0; i < 3; i++) {
      harness.create(build(ns("alpha"), "alpha-" + i, "alpha", "medium"));
      harness.create(build(ns("beta"), "beta-" + i, "beta", "medium"));
    }
    eventually().until(() -> builds().stream().filter(b -> phase(b) == BuildPhase.Admitted).count() == 3
        && builds().stream().filter(b -> b.getStatus() != null && b.getStatus().reason != null
            && b.getStatus().phase == BuildPhase.Queued).count() == 3);
    assertThat(pods()).hasSize(3);
    // Which Builds won the three slots depends on arrival order; each waiting Build's reason must
    // match what holds it back: its own organization's plan when that is full, else the cluster cap.
    Map<String, Long> holding = builds().stream().filter(b -> phase(b) != null && phase(b).holdsCapacity())
        .collect(Collectors.groupingBy(b -> b.getSpec().organization, Collectors.counting()));
    for (Build b : builds()) {
      if (phase(b) != BuildPhase.Queued) {
        continue;
      }
      String org = b.getSpec().organization;
      String expected = holding.getOrDefault(org, 0L) >= MAX.get(org) ? "OrganizationAtCapacity" : "ClusterAtCapacity";
      assertThat(b.getStatus().reason).as("reason of queued " + b.getMetadata().getName()).isEqualTo(expected);
    }

    Pod done = pods().get(0);
    harness.runPod(nsOf(done.getMetadata().getName()), done.getMetadata().getName(), "node-1");
    harness.finishPod(nsOf(done.getMetadata().getName()), done.getMetadata().getName(), 0);
    eventually().until(() -> pods().size() == 4);
    assertThat(builds().stream().filter(b -> phase(b) != null && phase(b).holdsCapacity()).count()).isEqualTo(3);
  }
}
