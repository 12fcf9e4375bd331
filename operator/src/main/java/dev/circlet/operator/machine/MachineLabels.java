package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.CircletApi;

/** Labels and annotations Circlet puts on the VMs of its pools. */
public final class MachineLabels {
  /** The MachinePool a VM belongs to. */
  public static final String POOL = CircletApi.GROUP + "/machine-pool";
  /** {@link MachineShape#key()} of the VM. */
  public static final String SHAPE = CircletApi.GROUP + "/machine-shape";
  /** The uid of the Build holding the VM; absent while it is free. Written once, conditionally. */
  public static final String CLAIMED_BY = CircletApi.GROUP + "/claimed-by";
  /** {@code namespace/name} of the Build holding the VM, for people reading it. */
  public static final String CLAIMED_BUILD = CircletApi.GROUP + "/claimed-build";
  /** When the VM was claimed (RFC 3339). */
  public static final String CLAIMED_AT = CircletApi.GROUP + "/claimed-at";
  /** Which of its Build's VMs this is (1 for the first; a VM that failed to boot is replaced by the next). */
  public static final String ATTEMPT = CircletApi.GROUP + "/machine-attempt";
  /** Set once the job was handed to a warm VM's agent, so that it is never handed over twice. */
  public static final String ASSIGNED = CircletApi.GROUP + "/job-assigned";
  /**
   * The agent's job summary ({@code {"outcome":…,"steps":[…]}}), set on the VMI when the job ends;
   * the counterpart of a build pod's termination message.
   */
  public static final String SUMMARY = CircletApi.GROUP + "/agent-summary";

  private MachineLabels() {}
}
