package dev.circlet.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.Step;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.OperatorSettings;
import dev.circlet.operator.runtime.StartupSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The operator starting against a large population on a real API server whose list requests
 * time out: its informers list the Builds and pods in pages through a client with a short list
 * timeout (a stand-in for a starved API server), a list that fails is retried with back-off
 * instead of ending the operator, start-up carries on past its sync wait, and the reconcilers act
 * only once their caches synced. Asserts that it ends synced (ready) and admits a new Build;
 * never how long that took.
 */
@KubeCluster
class StartupOnStarvedApiServerTest {
  /** Builds already in the cluster when the operator starts. */
  private static final int POPULATION = 1000;
  /** Steps of each Build's job: about 10 KB per Build, 10 MB for the population's list. */
  private static final int STEPS = 40;

  @Test
  void startsPagedAndRetryingAgainstAStarvedApiServerThenAdmits(KubeControlPlane cp) throws Exception {
    ClusterFixture.install(cp);
    KubernetesClient client = cp.newClient();
    String bulk = "starved-bulk";
    String probe = "starved-probe";
    // The population's Organization has no slot: each of its Builds gets one waiting status and
    // no pod, so the operator's work after the start stays small.
    ClusterFixture.organization(client, "starved-bulk-org", 0);
    ClusterFixture.organization(client, "starved-probe-org", 1);
    OperatorHarness.bind(client, bulk, "starved-bulk-org");
    OperatorHarness.bind(client, probe, "starved-probe-org");
    ResourceClass rc = new OperatorHarness(client, OperatorSettings.defaults()).resourceClass("starved", ExecutorKind.DOCKER);
    // Pods of this class name a scheduler nobody runs: they stay pending, which is all admission needs.
    rc.getSpec().schedulerName = "circlet-test-unscheduled";
    client.resource(rc).update();

    createPopulation(client, bulk, "starved-bulk-org");
    OperatorSettings settings = new OperatorSettings(OperatorSettings.DEFAULT_RUNNER_IMAGE, "IfNotPresent", null,
        Set.of(bulk, probe), false, OperatorSettings.DEFAULT_LEASE_NAME, null, null, false, 16, Duration.ofMinutes(5),
        Duration.ofSeconds(10), null, Duration.ZERO, null);
    // Pages of 50 Builds, each request allowed 3 s; the whole population in one response would be
    // 10 MB. Start-up waits only 2 s for a first sync, so a slow list also exercises the path where
    // the controllers start before their caches synced.
    StartupSettings starved = new StartupSettings(50, Duration.ofSeconds(3), Duration.ofSeconds(2));
    try (OperatorHarness harness = new OperatorHarness(client, settings).withStartup(starved)) {
      harness.start();
      Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
          .alias("every informer synced").until(() -> harness.operator().ready());

      client.resource(OperatorHarness.build(probe, "after-start", "starved-probe-org", "starved")).create();
      Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
          .alias("the new Build is admitted with its pod").until(() ->
              harness.phase(probe, "after-start") == BuildPhase.Admitted && !harness.buildPods(probe).isEmpty());
      Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
          .alias("every Build of the population reconciled once").until(() -> waitingWithReason(client, bulk) == POPULATION);
      assertThat(harness.buildPods(bulk)).as("pods of an Organization without slots").isEmpty();
    } finally {
      client.namespaces().withName(bulk).delete();
      client.namespaces().withName(probe).delete();
      client.close();
    }
  }

  private static long waitingWithReason(KubernetesClient client, String namespace) {
    return client.resources(Build.class).inNamespace(namespace).list().getItems().stream()
        .filter(b -> b.getStatus() != null && b.getStatus().phase == BuildPhase.Queued && b.getStatus().reason != null)
        .count();
  }

  /** Raw creates, 16 at a time; a create that meets an existing Build (a retried request) is fine. */
  private static void createPopulation(KubernetesClient client, String namespace, String organization) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < POPULATION; i++) {
        int n = i;
        futures.add(pool.submit(() -> {
          Build b = OperatorHarness.build(namespace, "bulk-" + n, organization, "starved");
          for (int s = 0; s < STEPS; s++) {
            b.getSpec().job.steps.add(Step.run("step " + s, "./scripts/step-" + s + ".sh --verbose --retries 3 "
                + "--output /home/circleci/project/out/step-" + s + " && echo finished step " + s + " of bulk Build " + n
                + " with a command long enough to weigh on the list"));
          }
          try {
            client.resource(b).create();
          } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
              throw e;
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
