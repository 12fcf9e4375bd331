package dev.circlet.kubetest.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.kubetest.node.ContainerView.Kind;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodStatusComposerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = T0.plusSeconds(5);

  private static ContainerView waiting(String name, Kind kind) {
    return ContainerView.waiting(name, "img", kind, "PodInitializing", null);
  }

  private static ContainerView running(String name, Kind kind) {
    return waiting(name, kind).running(T0, "process://1");
  }

  private static ContainerView exited(String name, Kind kind, int code) {
    return running(name, kind).terminated(code, code == 0 ? "" : "boom", T1);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // containers -> phase, Initialized, ContainersReady
        Arguments.of("nothing started", List.of(waiting("init", Kind.INIT), waiting("main", Kind.REGULAR)),
            "Pending", "False", "False"),
        Arguments.of("init running", List.of(running("init", Kind.INIT), waiting("main", Kind.REGULAR)),
            "Pending", "False", "False"),
        Arguments.of("init failed", List.of(exited("init", Kind.INIT, 3), waiting("main", Kind.REGULAR)),
            "Failed", "False", "False"),
        Arguments.of("sidecar and main running",
            List.of(exited("init", Kind.INIT, 0), running("agent", Kind.SIDECAR), running("main", Kind.REGULAR)),
            "Running", "True", "True"),
        Arguments.of("one of two ended",
            List.of(running("a", Kind.REGULAR), exited("b", Kind.REGULAR, 0)), "Running", "True", "False"),
        Arguments.of("all ended 0, sidecar stopped by the node",
            List.of(exited("agent", Kind.SIDECAR, 143), exited("main", Kind.REGULAR, 0)),
            "Succeeded", "True", "False"),
        Arguments.of("one ended non-zero",
            List.of(exited("a", Kind.REGULAR, 0), exited("b", Kind.REGULAR, 2)), "Failed", "True", "False"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void phaseAndConditions(String what, List<ContainerView> cs, String phase, String initialized, String ready) {
    PodStatus s = PodStatusComposer.compose(null, cs, true, null, "127.0.0.1", T0, T1);
    assertThat(s.getPhase()).isEqualTo(phase);
    Map<String, String> conditions = s.getConditions().stream()
        .collect(Collectors.toMap(PodCondition::getType, PodCondition::getStatus));
    assertThat(conditions).containsEntry("Initialized", initialized).containsEntry("ContainersReady", ready)
        .containsEntry("Ready", ready).containsEntry("PodScheduled", "True");
  }

  @Test
  void terminatedStatusCarriesCodeReasonAndMessage() {
    PodStatus s = PodStatusComposer.compose(null, List.of(exited("main", Kind.REGULAR, 2)), true, null, "127.0.0.1",
        T0, T1);
    var t = s.getContainerStatuses().get(0).getState().getTerminated();
    assertThat(t.getExitCode()).isEqualTo(2);
    assertThat(t.getReason()).isEqualTo("Error");
    assertThat(t.getMessage()).isEqualTo("boom");
    assertThat(t.getFinishedAt()).isEqualTo("2026-01-01T00:00:05Z");
    assertThat(s.getPodIP()).isEqualTo("127.0.0.1");
  }

  @Test
  void verdictWinsAndTransitionTimesAreKept() {
    PodStatus first = PodStatusComposer.compose(null, List.of(running("main", Kind.REGULAR)), true, null, "h", T0, T0);
    PodStatus later = PodStatusComposer.compose(first, List.of(running("main", Kind.REGULAR)), true, null, "h", T0,
        T1);
    assertThat(later.getConditions()).isEqualTo(first.getConditions());
    PodStatus ended = PodStatusComposer.compose(later, List.of(exited("main", Kind.REGULAR, 137)), true,
        new PodStatusComposer.Verdict("Failed", "DeadlineExceeded", "too long"), "h", T0, T1);
    assertThat(ended.getPhase()).isEqualTo("Failed");
    assertThat(ended.getReason()).isEqualTo("DeadlineExceeded");
    assertThat(ended.getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow())
        .satisfies(c -> {
          assertThat(c.getStatus()).isEqualTo("False");
          assertThat(c.getReason()).isEqualTo("PodCompleted");
          assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:05Z");
        });
  }

  @Test
  void conditionsOfOthersAreKept() {
    PodStatus prev = new PodStatus();
    PodCondition scheduled = new PodCondition(null, "2025-12-31T00:00:00Z", null, null, null, "True", "PodScheduled");
    PodCondition disruption = new PodCondition(null, "2025-12-31T00:00:00Z", "m", null, "r", "True",
        "DisruptionTarget");
    prev.setConditions(List.of(scheduled, disruption));
    PodStatus s = PodStatusComposer.compose(prev, List.of(running("main", Kind.REGULAR)), true, null, "h", T0, T1);
    assertThat(s.getConditions()).contains(scheduled, disruption);
  }
}
