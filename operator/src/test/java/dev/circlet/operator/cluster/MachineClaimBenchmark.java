package dev.circlet.operator.cluster;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.Executor;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.ResourceClassSpec;
import dev.circlet.api.v1alpha1.Step;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.kubetest.vm.VmRuntime;
import dev.circlet.operator.machine.MachineLabels;
import dev.circlet.operator.machine.VirtualMachineInstance;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Claim latency of machine Builds on kube-test's control plane and the test VM runtime: from
 * Admitted (the VM claimed) to Running (the agent has the job) for a warm VM and for a cold boot,
 * the operator's own part of each, and how fast a pool refills. Usage:
 * {@code hack/bench-machine.sh [--builds 5] [--warm 5]}. Builds run one at a time, so each figure
 * is one Build's path, not a queue's.
 */
public final class MachineClaimBenchmark {
  private static final String VMS = "bench-vms";
  private static final String TENANT = "bench-tenant";
  private static final String ORG = "bench-org";

  private MachineClaimBenchmark() {}

  public static void main(String[] args) throws Exception {
    int builds = 5;
    int warmOption = 5;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--builds" -> builds = Integer.parseInt(args[i + 1]);
        case "--warm" -> warmOption = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --builds N --warm N");
      }
    }
    int warm = warmOption;
    try (KubeControlPlane cp = KubeControlPlane.start()) {
      ClusterFixture.install(cp);
      cp.applyCrds(ClusterFixture.REPO.resolve("kube-test/kubevirt"));
      cp.createNamespace(VMS);
      KubernetesClient client = cp.newClient();
      ClusterFixture.organization(client, ORG, 20);
      OperatorHarness.bind(client, TENANT, ORG);
      try (VmRuntime runtime = VmRuntime.start(cp.newClient(), VMS, "bench-node", Files.createTempDirectory("vm-bench"),
          v -> false); OperatorHarness harness = new OperatorHarness(client, OperatorSettings.defaults()).start()) {
        MachinePool pool = pool(client, "bench", 0, warm + 2);
        machineClass(client);
        long refillStart = System.nanoTime();
        pool.getSpec().minWarm = warm;
        client.resource(pool).update();
        await(() -> warmVms(client) >= warm, 300);
        double refillSeconds = (System.nanoTime() - refillStart) / 1e9;
        System.out.printf("refill: %d warm VMs from an empty pool in %.1f s (%.2f VMs/s; the pool is looked at every"
            + " 10 s)%n", warm, refillSeconds, warm / refillSeconds);
        List<long[]> warmRuns = new ArrayList<>();
        for (int i = 0; i < builds; i++) {
          await(() -> warmVms(client) >= 1, 300);
          warmRuns.add(run(client, "warm-" + i));
        }
        pool = client.resources(MachinePool.class).withName("bench").get();
        pool.getSpec().minWarm = 0;
        client.resource(pool).update();
        await(() -> warmVms(client) == 0 && vmis(client).isEmpty(), 300);
        List<long[]> coldRuns = new ArrayList<>();
        for (int i = 0; i < builds; i++) {
          coldRuns.add(run(client, "cold-" + i));
        }
        report("warm", warmRuns);
        report("cold", coldRuns);
        System.out.printf("VMs booted by the runtime: %d%n", runtime.booted());
      }
    }
  }

  /** {created→Admitted, Admitted→Running} in ms, observed by polling the Build every 5 ms. */
  private static long[] run(KubernetesClient client, String name) {
    Build b = OperatorHarness.build(TENANT, name, ORG, "machine.bench");
    Executor machine = new Executor();
    machine.kind = ExecutorKind.MACHINE;
    b.getSpec().job.executor = machine;
    b.getSpec().job.steps.clear();
    b.getSpec().job.steps.add(Step.run("noop", "true"));
    long created = System.nanoTime();
    client.resource(b).create();
    long admitted = 0;
    long running = 0;
    long deadline = created + 300_000_000_000L;
    while (System.nanoTime() < deadline) {
      Build now = client.resources(Build.class).inNamespace(TENANT).withName(name).get();
      BuildPhase p = now == null || now.getStatus() == null ? null : now.getStatus().phase;
      if (p != null && p != BuildPhase.Queued && admitted == 0) {
        admitted = System.nanoTime();
      }
      if (p == BuildPhase.Running || (p != null && p.isTerminal())) {
        running = System.nanoTime();
        if (p.isTerminal() && p != BuildPhase.Succeeded) {
          throw new IllegalStateException(name + " ended " + p + ": " + now.getStatus().message);
        }
        break;
      }
      sleep(5);
    }
    await(() -> {
      Build now = client.resources(Build.class).inNamespace(TENANT).withName(name).get();
      return now.getStatus() != null && now.getStatus().phase.isTerminal();
    }, 300);
    return new long[] {(admitted - created) / 1_000_000, (running - admitted) / 1_000_000};
  }

  private static void report(String kind, List<long[]> runs) {
    List<Long> admit = new ArrayList<>();
    List<Long> start = new ArrayList<>();
    for (long[] r : runs) {
      admit.add(r[0]);
      start.add(r[1]);
    }
    Collections.sort(admit);
    Collections.sort(start);
    System.out.printf("%s: %d Builds; created→Admitted (claim) median %d ms (min %d, max %d);"
        + " Admitted→Running (agent has the job) median %d ms (min %d, max %d)%n", kind, runs.size(),
        admit.get(admit.size() / 2), admit.get(0), admit.get(admit.size() - 1),
        start.get(start.size() / 2), start.get(0), start.get(start.size() - 1));
  }

  private static MachinePool pool(KubernetesClient client, String name, int minWarm, int max) {
    MachinePool p = MachinePoolOnApiServerTest.pool(client, name, minWarm, max);
    p.getSpec().namespace = VMS;
    return client.resource(p).update();
  }

  private static void machineClass(KubernetesClient client) {
    ResourceClass rc = new ResourceClass();
    rc.getMetadata().setName("machine.bench");
    rc.setSpec(new ResourceClassSpec());
    rc.getSpec().executor = ExecutorKind.MACHINE;
    rc.getSpec().machinePool = "bench";
    rc.getSpec().cpu = "2";
    rc.getSpec().memory = "4Gi";
    client.resource(rc).createOr(r -> r.update());
  }

  private static List<VirtualMachineInstance> vmis(KubernetesClient client) {
    return client.resources(VirtualMachineInstance.class).inNamespace(VMS).withLabel(MachineLabels.POOL, "bench")
        .list().getItems();
  }

  private static long warmVms(KubernetesClient client) {
    return vmis(client).stream().filter(v -> v.getMetadata().getLabels().get(MachineLabels.CLAIMED_BY) == null)
        .filter(v -> v.getStatus() != null && "Running".equals(v.getStatus().phase)).count();
  }

  private static void await(BooleanSupplier condition, int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not reached within " + seconds + " s");
      }
      sleep(20);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
