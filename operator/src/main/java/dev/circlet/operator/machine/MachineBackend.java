package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.MachinePool;
import java.util.List;

/**
 * Where machine-executor VMs come from. KubeVirt is one backend; another (single-use cloud
 * nodes, say) implements the same three calls. Every claim lives on the API server, keyed by the
 * Build's uid, so a restarted operator finds what it had claimed and nothing is claimed twice.
 */
public interface MachineBackend {

  /**
   * What a Build asks of a pool.
   *
   * @param userData cloud-init user data of a VM booted for this Build (a cold boot)
   * @param attempt which of the Build's VMs this claim is for: 1, then one more per VM that failed to boot
   * @param tokenSeconds lifetime of the build identity token a VM booted for this Build carries (0: the default)
   */
  record ClaimRequest(MachinePool pool, String buildNamespace, String buildName, String buildUid,
      MachineShape shape, String diskImage, String userData, int attempt, long tokenSeconds) {
    public ClaimRequest(MachinePool pool, String buildNamespace, String buildName, String buildUid,
        MachineShape shape, String diskImage, String userData, int attempt) {
      this(pool, buildNamespace, buildName, buildUid, shape, diskImage, userData, attempt, 0);
    }

    public ClaimRequest(MachinePool pool, String buildNamespace, String buildName, String buildUid,
        MachineShape shape, String diskImage, String userData) {
      this(pool, buildNamespace, buildName, buildUid, shape, diskImage, userData, 1);
    }
  }

  /**
   * The outcome of a claim: the Build's VM, or why there is none yet.
   *
   * @param machine the VM now held by the Build (warm, or freshly booting); null when waiting
   * @param waiting {@code Reason: message} when the Build must wait, else null
   */
  record ClaimResult(Machine machine, String waiting) {
    public static ClaimResult of(Machine m) {
      return new ClaimResult(m, null);
    }

    public static ClaimResult waiting(String reasonAndMessage) {
      return new ClaimResult(null, reasonAndMessage);
    }
  }

  /** Gives the Build a VM of the pool: the one it already holds, a warm one, or a new one within max. */
  ClaimResult claim(ClaimRequest request);

  /** Destroys the VM the Build holds, if any; VMs are never reused. */
  void release(MachinePool pool, String buildUid);

  /** Every VM of the pool as the API server holds it now. */
  List<Machine> observe(MachinePool pool);

  /** Carries out what the pool planner decided: boots warm VMs and removes the ones it names. */
  void apply(MachinePool pool, PoolPlanner.Plan plan);
}
