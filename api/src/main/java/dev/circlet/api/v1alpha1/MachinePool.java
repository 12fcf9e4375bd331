package dev.circlet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A pool of single-use VMs for the machine executor: the operator keeps {@code minWarm} of them
 * booted, a machine Build claims one, and the VM is destroyed after the job.
 */
@Group(CircletApi.GROUP)
@Version(CircletApi.VERSION)
@Singular("machinepool")
@Plural("machinepools")
@ShortNames({"cmp", "mpool"})
@AdditionalPrinterColumn(name = "Min Warm", jsonPath = ".spec.minWarm", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Max", jsonPath = ".spec.max", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Warm", jsonPath = ".status.warm", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Booting", jsonPath = ".status.booting", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Busy", jsonPath = ".status.busy", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.failed", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Node Pool", jsonPath = ".spec.nodePool", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class MachinePool extends CustomResource<MachinePoolSpec, MachinePoolStatus> {
  /** Condition: the pool holds at least {@code minWarm} warm VMs. */
  public static final String CONDITION_READY = "Ready";
  /** Condition: every VM the pool may have is busy; machine Builds wait. */
  public static final String CONDITION_EXHAUSTED = "Exhausted";

  public MachinePool() {}

  @Override
  protected MachinePoolStatus initStatus() {
    return new MachinePoolStatus();
  }
}
