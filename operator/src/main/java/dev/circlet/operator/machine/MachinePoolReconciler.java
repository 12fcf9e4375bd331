package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.MachinePoolStatus;
import dev.circlet.operator.status.StatusWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Keeps each MachinePool at {@code minWarm} warm VMs within {@code max}, removes the VMs the pool
 * planner names, and writes the pool's status once per pass. The VMs are read from the API
 * server on every pass (no VMI informer), so the operator runs in clusters without KubeVirt and a
 * pool there says so in its status.
 */
public final class MachinePoolReconciler implements Reconciler<MachinePool> {
  /** How often a pool is looked at: VMs boot, stop and age without any event on the pool. */
  static final Duration PASS = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final MachineBackend backend;
  private final StatusWriter statusWriter;
  private final Clock clock;

  public MachinePoolReconciler(KubernetesClient client, MachineBackend backend, StatusWriter statusWriter,
      Clock clock) {
    this.client = client;
    this.backend = backend;
    this.statusWriter = statusWriter;
    this.clock = clock;
  }

  @Override
  public UpdateControl<MachinePool> reconcile(MachinePool pool, Context<MachinePool> context) {
    if (context.isPrimaryResourceDeleted()) {
      // The pool owns its VMs: the garbage collector removes them.
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    MachinePoolStatus next = pool.getStatus() == null ? new MachinePoolStatus()
        : statusWriter.copy(pool.getStatus(), MachinePoolStatus.class);
    Long gen = pool.getMetadata().getGeneration();
    try {
      List<Machine> machines = backend.observe(pool);
      java.util.Map<String, Machine> byUid = new java.util.HashMap<>();
      machines.stream().filter(Machine::claimed).forEach(m -> byUid.put(m.claimedBy(), m));
      PoolPlanner.Plan plan = PoolPlanner.plan(pool.getSpec(), machines, uid -> buildRuns(byUid.get(uid)), now);
      backend.apply(pool, plan);
      PoolPlanner.status(pool, plan, next, now);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 403) {
        throw e;
      }
      next.observedGeneration = gen;
      if (e.getCode() == 404) {
        Conditions.set(next.conditions, MachinePool.CONDITION_READY, Conditions.FALSE, "KubeVirtMissing",
            "the cluster serves no kubevirt.io/v1 VirtualMachineInstances: install KubeVirt", gen, now);
      } else {
        Conditions.set(next.conditions, MachinePool.CONDITION_READY, Conditions.FALSE, "Forbidden",
            "the operator may not manage VMs in the pool's namespace: grant it with the chart's machine.enabled"
                + " and machine.namespace, and name that namespace in spec.namespace", gen, now);
      }
    } catch (IllegalArgumentException e) {
      // A template the factory refuses (an image the pool does not offer, a bad CPU count).
      next.observedGeneration = gen;
      Conditions.set(next.conditions, MachinePool.CONDITION_READY, Conditions.FALSE, "InvalidTemplate",
          e.getMessage(), gen, now);
    }
    statusWriter.write(pool, next, context);
    return UpdateControl.<MachinePool>noUpdate().rescheduleAfter(PASS);
  }

  /**
   * Whether the Build holding a VM still runs, read from the API server by the name the claim
   * records; the uid proves it is the same Build and not a new one of the same name. Only claims
   * past the planner's grace are asked about, and few VMs are busy at once.
   */
  private boolean buildRuns(Machine m) {
    String ref = m.claimedBuild();
    int slash = ref == null ? -1 : ref.indexOf('/');
    if (slash < 1) {
      return false;
    }
    Build b;
    try {
      b = client.resources(Build.class).inNamespace(ref.substring(0, slash)).withName(ref.substring(slash + 1)).get();
    } catch (KubernetesClientException e) {
      // Cannot tell (no read access there, API trouble): a VM is never taken from a Build on a guess.
      return true;
    }
    return b != null && m.claimedBy().equals(b.getMetadata().getUid())
        && (b.getStatus() == null || b.getStatus().phase == null || !b.getStatus().phase.isTerminal());
  }
}
