package dev.circlet.gateway.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas stand for one Lease on the real API server: exactly one runs the task (the
 * commit-status reporter in the gateway), and when it closes, the other takes over.
 */
@KubeCluster
class LeaderOnlyOnApiServerTest {
  @Test
  void oneReplicaRunsTheTaskAndTheOtherTakesOverWhenItStops(KubeControlPlane cluster) {
    cluster.createNamespace("circlet-gw");
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<String> started = new CopyOnWriteArrayList<>();
    // Generous timings: a replica keeps the Lease through a stall of several seconds on a loaded machine.
    LeaderOnly.Timing timing = new LeaderOnly.Timing(Duration.ofSeconds(15), Duration.ofSeconds(10),
        Duration.ofMillis(500));
    try (KubernetesClient c1 = cluster.newClient(); KubernetesClient c2 = cluster.newClient();
        LeaderOnly a = replica(c1, "replica-a", timing, running, most, started);
        LeaderOnly b = replica(c2, "replica-b", timing, running, most, started)) {
      await().atMost(Duration.ofSeconds(120)).until(() -> a.leading() || b.leading());
      LeaderOnly leader = a.leading() ? a : b;
      LeaderOnly other = leader == a ? b : a;
      assertThat(started).hasSize(1);
      Lease lease = cluster.client().leases().inNamespace("circlet-gw").withName("circlet-gateway-status").get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(started.get(0));

      leader.close();
      assertThat(leader.leading()).isFalse();
      // Released on close: the other takes over after a retry period, not after the 15 s lease.
      await().atMost(Duration.ofSeconds(120)).until(other::leading);
      assertThat(started).hasSize(2).doesNotHaveDuplicates();
      assertThat(most.get()).as("never two replicas running the task at once").isEqualTo(1);
    }
  }

  private static LeaderOnly replica(KubernetesClient client, String identity, LeaderOnly.Timing timing,
      AtomicInteger running, AtomicInteger most, List<String> started) {
    return new LeaderOnly(client, "circlet-gw", "circlet-gateway-status", identity, timing, () -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      started.add(identity);
      return running::decrementAndGet;
    }).start();
  }
}
