package dev.circlet.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.operator.pod.PodStatusMapper.PodObservation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VmiStatusMapperTest {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  static VirtualMachineInstance vmi(String phase, boolean ready, String summary, boolean deleting) {
    VirtualMachineInstance v = new VirtualMachineInstance();
    v.setMetadata(new ObjectMetaBuilder().withName("vm").withNamespace("ns")
        .withAnnotations(summary == null ? Map.of() : Map.of(MachineLabels.SUMMARY, summary))
        .withDeletionTimestamp(deleting ? "2026-01-01T11:59:00Z" : null).build());
    if (phase != null) {
      v.setStatus(new VirtualMachineInstance.Status());
      v.getStatus().phase = phase;
      v.getStatus().reason = phase.equals("Failed") ? "GuestCrashed" : null;
      v.getStatus().nodeName = phase.equals("Pending") ? null : "node-1";
      if (ready) {
        VirtualMachineInstance.Condition c = new VirtualMachineInstance.Condition("Ready", "True");
        c.lastTransitionTime = "2026-01-01T11:58:00Z";
        v.getStatus().conditions.add(c);
      }
    }
    return v;
  }

  static final String OK = "{\"outcome\":\"success\",\"steps\":[{\"n\":\"build\",\"s\":\"success\",\"ms\":5,\"x\":0}]}";
  static final String FAILED =
      "{\"outcome\":\"failed\",\"steps\":[{\"n\":\"docker build\",\"s\":\"failed\",\"ms\":5,\"x\":2}]}";

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("no status yet", vmi(null, false, null, false), BuildPhase.Admitted, "MachineBooting", null),
        Arguments.of("pending", vmi("Pending", false, null, false), BuildPhase.Admitted, "MachineBooting", null),
        Arguments.of("scheduled", vmi("Scheduled", false, null, false), BuildPhase.Admitted, "MachineBooting", null),
        Arguments.of("running, agent not ready", vmi("Running", false, null, false), BuildPhase.Admitted,
            "MachineBooting", null),
        Arguments.of("running and ready", vmi("Running", true, null, false), BuildPhase.Running, null, null),
        Arguments.of("summary success", vmi("Running", true, OK, false), BuildPhase.Succeeded, "Completed", 0),
        Arguments.of("summary failed names the step", vmi("Succeeded", true, FAILED, false), BuildPhase.Failed,
            "Error", 1),
        Arguments.of("summary timed out", vmi("Running", true, "{\"outcome\":\"timedout\",\"steps\":[]}", false),
            BuildPhase.TimedOut, "TimedOut", 124),
        Arguments.of("summary not JSON", vmi("Running", true, "garbage", false), BuildPhase.Failed, "Error", 1),
        Arguments.of("VM failed", vmi("Failed", false, null, false), BuildPhase.Failed, "MachineFailed", null),
        Arguments.of("VM stopped without a summary", vmi("Succeeded", false, null, false), BuildPhase.Failed,
            "AgentLost", null),
        Arguments.of("VM being deleted", vmi("Running", true, null, true), BuildPhase.Failed, "MachineDeleted", null),
        Arguments.of("VM gone", null, BuildPhase.Failed, "MachineDeleted", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void maps(String name, VirtualMachineInstance vmi, BuildPhase phase, String reason, Integer exit) {
    PodObservation o = VmiStatusMapper.map(vmi, NOW);
    assertThat(o.phase()).as(name).isEqualTo(phase);
    assertThat(o.reason()).as(name).isEqualTo(reason);
    assertThat(o.exitCode()).as(name).isEqualTo(exit);
    if (phase == BuildPhase.Running) {
      assertThat(o.startedAt()).isEqualTo(Instant.parse("2026-01-01T11:58:00Z"));
      assertThat(o.nodeName()).isEqualTo("node-1");
    }
    if ("summary failed names the step".equals(name)) {
      assertThat(o.message()).isEqualTo("step \"docker build\" failed (exit 2)");
    }
  }
}
