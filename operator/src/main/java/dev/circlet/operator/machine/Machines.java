package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.Timestamps;
import java.time.Instant;
import java.util.Map;

/** Reads a {@link VirtualMachineInstance} as a pool's {@link Machine}. Pure. */
public final class Machines {
  private Machines() {}

  public static Machine of(VirtualMachineInstance vmi) {
    var meta = vmi.getMetadata();
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    Map<String, String> notes = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    return new Machine(meta.getName(), labels.get(MachineLabels.POOL), labels.get(MachineLabels.SHAPE),
        state(vmi), labels.get(MachineLabels.CLAIMED_BY), Timestamps.parse(meta.getCreationTimestamp()),
        readyAt(vmi), Timestamps.parse(notes.get(MachineLabels.CLAIMED_AT)),
        notes.get(MachineLabels.CLAIMED_BUILD));
  }

  static Machine.State state(VirtualMachineInstance vmi) {
    if (vmi.getMetadata().getDeletionTimestamp() != null) {
      return Machine.State.STOPPED;
    }
    String phase = vmi.getStatus() == null ? null : vmi.getStatus().phase;
    if (phase == null) {
      return Machine.State.BOOTING;
    }
    return switch (phase) {
      case "Succeeded", "Failed", "Unknown" -> Machine.State.STOPPED;
      case "Running" -> ready(vmi) != null ? Machine.State.READY : Machine.State.BOOTING;
      default -> Machine.State.BOOTING;
    };
  }

  private static Instant readyAt(VirtualMachineInstance vmi) {
    VirtualMachineInstance.Condition c = ready(vmi);
    return c == null ? null : Timestamps.parse(c.lastTransitionTime);
  }

  /** The Ready=True condition of a running VMI, or null. */
  static VirtualMachineInstance.Condition ready(VirtualMachineInstance vmi) {
    if (vmi.getStatus() == null || !"Running".equals(vmi.getStatus().phase)) {
      return null;
    }
    return vmi.getStatus().conditions.stream()
        .filter(c -> "Ready".equals(c.type) && "True".equals(c.status)).findFirst().orElse(null);
  }
}
