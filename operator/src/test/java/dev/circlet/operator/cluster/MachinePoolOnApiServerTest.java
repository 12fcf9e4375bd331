package dev.circlet.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.MachinePoolSpec;
import dev.circlet.api.v1alpha1.MachineTemplate;
import dev.circlet.api.v1alpha1.Timestamps;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.operator.machine.ClaimPlanner;
import dev.circlet.operator.machine.KubeVirtBackend;
import dev.circlet.operator.machine.KubeVirtBackendAccess;
import dev.circlet.operator.machine.Machine;
import dev.circlet.operator.machine.MachineBackend.ClaimRequest;
import dev.circlet.operator.machine.MachineBackend.ClaimResult;
import dev.circlet.operator.machine.MachineLabels;
import dev.circlet.operator.machine.MachineShape;
import dev.circlet.operator.machine.PoolPlanner;
import dev.circlet.operator.machine.VirtualMachineInstance;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The KubeVirt backend against a real kube-apiserver with KubeVirt's VirtualMachineInstance CRD:
 * warm refill, claims under contention, claims across two operators, a restart mid-claim and
 * leaked VMs. The test plays virt-handler: it marks VMIs Running and Ready.
 */
@KubeCluster
class MachinePoolOnApiServerTest {
  static final String NS = "machine-pools";

  static MachinePool pool(KubernetesClient client, String name, int minWarm, int max) {
    MachinePool p = new MachinePool();
    p.getMetadata().setName(name);
    p.setSpec(new MachinePoolSpec());
    p.getSpec().template = new MachineTemplate("2", "4Gi", "20Gi", "default");
    p.getSpec().images = Map.of("default", "registry.example/circlet/ubuntu-2204:current");
    p.getSpec().minWarm = minWarm;
    p.getSpec().max = max;
    p.getSpec().namespace = NS;
    return client.resource(p).createOr(existing -> existing.update());
  }

  static void install(KubeControlPlane cluster) {
    ClusterFixture.install(cluster);
    cluster.applyCrds(ClusterFixture.REPO.resolve("kube-test/kubevirt"));
    if (cluster.client().namespaces().withName(NS).get() == null) {
      cluster.createNamespace(NS);
    }
  }

  /** What virt-handler reports once a VM has booted and its agent is up. */
  static void bootAll(KubernetesClient client, MachinePool pool) {
    for (VirtualMachineInstance v : vmis(client, pool)) {
      if (v.getStatus() != null && "Running".equals(v.getStatus().phase)) {
        continue;
      }
      v.setStatus(new VirtualMachineInstance.Status());
      v.getStatus().phase = "Running";
      v.getStatus().nodeName = "vm-node";
      VirtualMachineInstance.Condition ready = new VirtualMachineInstance.Condition("Ready", "True");
      ready.lastTransitionTime = Timestamps.format(Instant.now());
      v.getStatus().conditions.add(ready);
      client.resource(v).update();
    }
  }

  static List<VirtualMachineInstance> vmis(KubernetesClient client, MachinePool pool) {
    return client.resources(VirtualMachineInstance.class).inNamespace(NS)
        .withLabel(MachineLabels.POOL, pool.getMetadata().getName()).list().getItems();
  }

  static ClaimRequest request(MachinePool pool, String uid) {
    return new ClaimRequest(pool, NS, "build-" + uid.substring(0, 8), uid, MachineShape.warm(pool.getSpec()),
        pool.getSpec().diskImage(null), "#cloud-config\n");
  }

  static KubeVirtBackend backend(KubernetesClient client) {
    return new KubeVirtBackend(client, NS, p -> "#cloud-config\n", Clock.systemUTC());
  }

  static void refill(KubeVirtBackend backend, MachinePool pool, Set<String> live) {
    backend.apply(pool, PoolPlanner.plan(pool.getSpec(), backend.observe(pool), live::contains, Instant.now()));
  }

  @Test
  void warmPoolIsKeptAtMinWarmWithItsCloudInitSecrets(KubeControlPlane cluster) {
    install(cluster);
    KubernetesClient client = cluster.client();
    MachinePool pool = pool(client, "warm", 3, 5);
    KubeVirtBackend backend = backend(client);
    refill(backend, pool, Set.of());
    assertThat(vmis(client, pool)).hasSize(3);
    refill(backend, pool, Set.of());
    assertThat(vmis(client, pool)).as("a second pass boots nothing more").hasSize(3);
    for (VirtualMachineInstance v : vmis(client, pool)) {
      Secret s = client.secrets().inNamespace(NS).withName(v.getMetadata().getName() + "-cloudinit").get();
      assertThat(s).as("cloud-init Secret of " + v.getMetadata().getName()).isNotNull();
      assertThat(s.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(v.getMetadata().getUid());
    }
    bootAll(client, pool);
    String uid = UUID.randomUUID().toString();
    ClaimResult claimed = backend.claim(request(pool, uid));
    assertThat(claimed.machine().state()).as("a warm VM, already booted").isEqualTo(Machine.State.READY);
    refill(backend, pool, Set.of(uid));
    List<VirtualMachineInstance> after = vmis(client, pool);
    assertThat(after).as("the claimed VM plus three free ones").hasSize(4);
    backend.release(pool, uid);
    assertThat(vmis(client, pool)).as("a released VM is destroyed, never reused").hasSize(3)
        .noneMatch(v -> v.getMetadata().getName().equals(claimed.machine().name()));
  }

  @Test
  void theOperatorKeepsAPoolWarmAndScalesItDownWhileBusyVmsFinish(KubeControlPlane cluster) {
    install(cluster);
    try (KubernetesClient client = cluster.newClient();
        OperatorHarness harness = new OperatorHarness(client, OperatorSettings.defaults()).start()) {
      MachinePool pool = pool(client, "operated", 3, 6);
      Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> vmis(client, pool).size() == 3);
      bootAll(client, pool);
      Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
        MachinePool p = client.resources(MachinePool.class).withName("operated").get();
        return p.getStatus() != null && Integer.valueOf(3).equals(p.getStatus().warm)
            && Conditions.isTrue(p.getStatus().conditions, MachinePool.CONDITION_READY);
      });
      // A Build holds one VM; then the pool is scaled down to nothing warm.
      String uid = UUID.randomUUID().toString();
      ClaimResult busy = backend(client).claim(request(pool, uid));
      MachinePool edited = client.resources(MachinePool.class).withName("operated").edit(p -> {
        p.getSpec().minWarm = 0;
        return p;
      });
      assertThat(edited.getSpec().minWarm).isZero();
      Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> vmis(client, pool).size() == 1);
      assertThat(vmis(client, pool).get(0).getMetadata().getName())
          .as("the busy VM stays until its Build releases it").isEqualTo(busy.machine().name());
      Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
        MachinePool p = client.resources(MachinePool.class).withName("operated").get();
        return p.getStatus() != null && Integer.valueOf(1).equals(p.getStatus().busy)
            && Integer.valueOf(0).equals(p.getStatus().warm);
      });
    }
  }

  @Test
  void fiftyBuildsOnAPoolOfFiveWithMaxTen(KubeControlPlane cluster) throws Exception {
    install(cluster);
    KubernetesClient client = cluster.client();
    MachinePool pool = pool(client, "contended", 5, 10);
    KubeVirtBackend backend = backend(client);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger present = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Watch watch = client.resources(VirtualMachineInstance.class).inNamespace(NS)
        .withLabel(MachineLabels.POOL, "contended").watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, VirtualMachineInstance v) {
            if (action == Action.ADDED && seen.add(v.getMetadata().getName())) {
              most.accumulateAndGet(present.incrementAndGet(), Math::max);
            } else if (action == Action.DELETED) {
              present.decrementAndGet();
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
    Set<String> waiting = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 50; i++) {
      waiting.add(UUID.randomUUID().toString());
    }
    Map<String, String> vmOfBuild = new ConcurrentHashMap<>();
    Map<String, String> buildOfVm = new ConcurrentHashMap<>();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      int rounds = 0;
      while (!waiting.isEmpty()) {
        assertThat(rounds++).as("rounds of claims").isLessThan(20);
        refill(backend, pool, waiting);
        bootAll(client, pool);
        List<Future<?>> claims = new ArrayList<>();
        Set<String> won = ConcurrentHashMap.newKeySet();
        for (String uid : List.copyOf(waiting)) {
          claims.add(threads.submit(() -> {
            ClaimResult r = backend.claim(request(pool, uid));
            if (r.machine() != null) {
              assertThat(vmOfBuild.putIfAbsent(uid, r.machine().name())).as("one VM per Build").isNull();
              assertThat(buildOfVm.putIfAbsent(r.machine().name(), uid)).as("never two Builds on one VM").isNull();
              won.add(uid);
            } else {
              assertThat(r.waiting()).startsWith(ClaimPlanner.EXHAUSTED + ": pool \"contended\" has ")
                  .endsWith(" of 10 busy");
            }
            return null;
          }));
        }
        for (Future<?> f : claims) {
          f.get(120, TimeUnit.SECONDS);
        }
        assertThat(won).as("each round some Builds get a VM").isNotEmpty().hasSizeLessThanOrEqualTo(10);
        for (VirtualMachineInstance v : vmis(client, pool)) {
          String owner = v.getMetadata().getLabels().get(MachineLabels.CLAIMED_BY);
          if (owner != null) {
            assertThat(vmOfBuild.get(owner)).as("the claim on the server is the one the Build got")
                .isEqualTo(v.getMetadata().getName());
          }
        }
        waiting.removeAll(won);
        for (String uid : won) {
          backend.release(pool, uid);
        }
      }
    } finally {
      threads.shutdownNow();
      watch.close();
    }
    assertThat(vmOfBuild).hasSize(50);
    assertThat(new HashSet<>(vmOfBuild.values())).as("fifty different single-use VMs").hasSize(50);
    assertThat(most.get()).as("VMs of the pool at once").isLessThanOrEqualTo(10);
  }

  @Test
  void twoOperatorsRacingForWarmVmsNeverShareOne(KubeControlPlane cluster) throws Exception {
    install(cluster);
    KubernetesClient client = cluster.client();
    MachinePool pool = pool(client, "raced", 4, 4);
    refill(backend(client), pool, Set.of());
    bootAll(client, pool);
    try (KubernetesClient other = cluster.newClient()) {
      KubeVirtBackend a = backend(client);
      KubeVirtBackend b = backend(other);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      List<Future<ClaimResult>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        KubeVirtBackend which = i % 2 == 0 ? a : b;
        String uid = UUID.randomUUID().toString();
        results.add(threads.submit(() -> which.claim(request(pool, uid))));
      }
      Set<String> vms = new HashSet<>();
      int waited = 0;
      for (Future<ClaimResult> f : results) {
        ClaimResult r = f.get(120, TimeUnit.SECONDS);
        if (r.machine() == null) {
          waited++;
        } else {
          assertThat(vms.add(r.machine().name())).as("never two Builds on one VM").isTrue();
        }
      }
      threads.shutdownNow();
      assertThat(vms).hasSize(4);
      assertThat(waited).isEqualTo(4);
    }
  }

  @Test
  void ofTwoClaimantsThatReadTheSameFreeVmOnlyTheFirstWriterGetsIt(KubeControlPlane cluster) {
    install(cluster);
    KubernetesClient client = cluster.client();
    MachinePool pool = pool(client, "stale", 1, 1);
    refill(backend(client), pool, Set.of());
    bootAll(client, pool);
    VirtualMachineInstance seenByA = vmis(client, pool).get(0);
    VirtualMachineInstance seenByB = vmis(client, pool).get(0);
    String a = UUID.randomUUID().toString();
    String b = UUID.randomUUID().toString();
    assertThat(KubeVirtBackendAccess.claimAsRead(backend(client), pool, seenByA, request(pool, a))).isNotNull();
    assertThat(KubeVirtBackendAccess.claimAsRead(backend(client), pool, seenByB, request(pool, b)))
        .as("a claim written over a newer claim").isNull();
    assertThat(vmis(client, pool).get(0).getMetadata().getLabels()).containsEntry(MachineLabels.CLAIMED_BY, a);
  }

  @Test
  void aRestartedOperatorAdoptsItsClaimAndLeakedVmsAreRemoved(KubeControlPlane cluster) {
    install(cluster);
    KubernetesClient client = cluster.client();
    MachinePool pool = pool(client, "restart", 1, 3);
    refill(backend(client), pool, Set.of());
    bootAll(client, pool);
    String uid = UUID.randomUUID().toString();
    // The first operator claims and dies before it records anything on the Build.
    ClaimResult first = backend(client).claim(request(pool, uid));
    // Its successor starts with nothing in memory: the claim on the API server is found again.
    ClaimResult again = backend(client).claim(request(pool, uid));
    assertThat(again.machine().name()).isEqualTo(first.machine().name());
    assertThat(vmis(client, pool).stream().filter(v -> uid.equals(v.getMetadata().getLabels()
        .get(MachineLabels.CLAIMED_BY)))).hasSize(1);
    // The Build is gone (deleted while the operator was down): past the leak grace its VM goes.
    KubeVirtBackend successor = backend(client);
    var plan = PoolPlanner.plan(pool.getSpec(), successor.observe(pool), u -> false,
        Instant.now().plusSeconds(120));
    assertThat(plan.remove()).containsEntry(first.machine().name(), PoolPlanner.Removal.LEAKED);
    successor.apply(pool, plan);
    assertThat(vmis(client, pool)).noneMatch(v -> v.getMetadata().getName().equals(first.machine().name()));
  }
}
