package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.MachinePool;

/** Lets cluster tests drive one claim from a VMI they read themselves, to stage two claimants' race. */
public final class KubeVirtBackendAccess {
  private KubeVirtBackendAccess() {}

  public static VirtualMachineInstance claimAsRead(KubeVirtBackend backend, MachinePool pool,
      VirtualMachineInstance asRead, MachineBackend.ClaimRequest request) {
    return backend.claimAsRead(pool, asRead, request);
  }
}
