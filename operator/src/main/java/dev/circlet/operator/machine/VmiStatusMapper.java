package dev.circlet.operator.machine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.Timestamps;
import dev.circlet.operator.pod.PodStatusMapper;
import dev.circlet.operator.pod.PodStatusMapper.PodObservation;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * Reads a Build's VirtualMachineInstance and the agent's summary on it and says what they mean
 * for the Build, in the same terms as {@link PodStatusMapper} does for a pod. Pure; the table is
 * in docs/machine.md.
 */
public final class VmiStatusMapper {
  public static final String MACHINE_DELETED = "MachineDeleted";
  public static final String MACHINE_FAILED = "MachineFailed";
  public static final String MACHINE_BOOTING = "MachineBooting";
  public static final String AGENT_LOST = "AgentLost";

  private static final ObjectMapper JSON = new ObjectMapper();

  private VmiStatusMapper() {}

  /** @param vmi the Build's VM, or null when it no longer exists */
  public static PodObservation map(VirtualMachineInstance vmi, Instant now) {
    if (vmi == null) {
      return end(BuildPhase.Failed, MACHINE_DELETED, "the VM was deleted while the job ran", null, null, now, null);
    }
    VirtualMachineInstance.Status st = vmi.getStatus();
    String node = st == null ? null : st.nodeName;
    VirtualMachineInstance.Condition ready = Machines.ready(vmi);
    Instant started = ready == null ? null : Timestamps.parse(ready.lastTransitionTime);
    Map<String, String> notes = vmi.getMetadata().getAnnotations();
    String summary = notes == null ? null : notes.get(MachineLabels.SUMMARY);
    if (summary != null && !summary.isBlank()) {
      return fromSummary(summary, node, started, now);
    }
    if (vmi.getMetadata().getDeletionTimestamp() != null) {
      return end(BuildPhase.Failed, MACHINE_DELETED, "the VM was deleted while the job ran", null, node, now, started);
    }
    String phase = st == null || st.phase == null ? "Pending" : st.phase;
    return switch (phase) {
      case "Failed", "Unknown" -> end(BuildPhase.Failed, MACHINE_FAILED, "the VM " + phase.toLowerCase()
          + (st.reason == null ? "" : " (" + st.reason + ")"), null, node, now, started);
      case "Succeeded" -> end(BuildPhase.Failed, AGENT_LOST,
          "the VM stopped before its agent reported the end of the job", null, node, now, started);
      case "Running" -> ready != null
          ? new PodObservation(BuildPhase.Running, null, null, null, node, true, started, null, null)
          : booting(node, "the VM runs; its agent is not ready yet");
      case "Scheduled" -> booting(node, "the VM is starting on " + node);
      default -> booting(node, "the VM is waiting for a node");
    };
  }

  private static PodObservation booting(String node, String message) {
    return new PodObservation(BuildPhase.Admitted, MACHINE_BOOTING, message, null, node, node != null,
        null, null, null);
  }

  private static PodObservation fromSummary(String summary, String node, Instant started, Instant now) {
    String outcome = "failed";
    try {
      outcome = JSON.readTree(summary).path("outcome").asText("failed");
    } catch (IOException e) {
      // Not JSON: not a summary the agent wrote; the job counts as failed.
    }
    return switch (outcome) {
      case "success" -> new PodObservation(BuildPhase.Succeeded, "Completed", "the job succeeded", 0, node, true,
          started, now, summary);
      case "canceled" -> new PodObservation(BuildPhase.Canceled, "Canceled", "the job was canceled", 130, node,
          true, started, now, summary);
      case "timedout" -> new PodObservation(BuildPhase.TimedOut, "TimedOut", "a step ran out of time", 124, node,
          true, started, now, summary);
      default -> {
        String step = PodStatusMapper.failedStep(summary);
        yield new PodObservation(BuildPhase.Failed, "Error", step == null ? "the job failed" : step, 1, node, true,
            started, now, summary);
      }
    };
  }

  private static PodObservation end(BuildPhase phase, String reason, String message, Integer exit, String node,
      Instant now, Instant started) {
    return new PodObservation(phase, reason, message, exit, node, node != null, started, now, null);
  }
}
