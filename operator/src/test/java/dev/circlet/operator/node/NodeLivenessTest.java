package dev.circlet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.operator.node.NodeLiveness.NodeState;
import dev.circlet.operator.node.NodeLiveness.Verdict;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeLivenessTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final NodeLiveness LIVENESS = new NodeLiveness(Duration.ofSeconds(60));

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static NodeState ready(Instant heartbeat, Instant lease) {
    return new NodeState("True", "KubeletReady", "ok", T0, heartbeat, lease);
  }

  private static NodeState notReady(String status, Instant since) {
    return new NodeState(status, "KubeletNotReady", "process node stopped", since, since, since);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // name, node, boundAt, now, lost, recheck (seconds) or message fragment
        Arguments.of("ready and renewing", ready(at(100), at(110)), at(50), at(120), false, "50"),
        Arguments.of("ready, lease silent past the grace", ready(at(100), at(110)), at(50), at(170), true,
            "node \"n1\" stopped heartbeating: last heard from at 2026-01-01T10:01:50Z"),
        Arguments.of("ready, status heartbeat newer than the lease", ready(at(150), at(110)), at(50), at(170), false, "40"),
        Arguments.of("ready without a lease: the status heartbeat alone is not trusted",
            ready(at(0), null), at(0), at(3600), false, null),
        Arguments.of("silence counts from binding when the pod came later", ready(at(10), at(10)), at(100), at(150), false, "10"),
        Arguments.of("NotReady within the grace", notReady("False", at(100)), at(50), at(130), false, "30"),
        Arguments.of("NotReady at the grace", notReady("False", at(100)), at(50), at(160), true,
            "node \"n1\" has been NotReady since 2026-01-01T10:01:40Z (KubeletNotReady: process node stopped)"),
        Arguments.of("Unknown past the grace", notReady("Unknown", at(100)), at(50), at(200), true,
            "node \"n1\" has been unreachable (Ready=Unknown) since 2026-01-01T10:01:40Z"),
        Arguments.of("NotReady before the pod was bound counts from binding", notReady("False", at(0)), at(100), at(130), false, "30"),
        Arguments.of("no Ready condition", new NodeState(null, null, null, null, null, null), at(0), at(60), true,
            "node \"n1\" has been without a Ready condition since 2026-01-01T10:00:00Z"),
        Arguments.of("node not seen yet, within the grace of binding", null, at(100), at(130), false, "30"),
        Arguments.of("node gone past the grace", null, at(100), at(160), true,
            "node \"n1\" no longer exists (the pod was bound to it at 2026-01-01T10:01:40Z)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void judges(String name, NodeState node, Instant boundAt, Instant now, boolean lost, String expected) {
    Verdict v = LIVENESS.judge("n1", node, boundAt, now);

    assertThat(v.lost()).as(name).isEqualTo(lost);
    if (lost) {
      assertThat(v.message()).startsWith(expected);
      assertThat(v.recheck()).isNull();
    } else {
      assertThat(v.message()).isNull();
      assertThat(v.recheck()).isEqualTo(expected == null ? null : Duration.ofSeconds(Long.parseLong(expected)));
    }
  }

  @Test
  void readsTheReadyConditionAndTheLease() {
    Node node = new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewStatus()
        .addNewCondition().withType("MemoryPressure").withStatus("False").endCondition()
        .addNewCondition().withType("Ready").withStatus("False").withReason("KubeletNotReady").withMessage("stopped")
        .withLastTransitionTime("2026-01-01T10:00:05Z").withLastHeartbeatTime("2026-01-01T10:00:04Z").endCondition()
        .endStatus().build();
    var lease = new LeaseBuilder().withNewSpec().withRenewTime(at(3).atZone(ZoneOffset.UTC)).endSpec().build();

    assertThat(NodeState.of(node, lease))
        .isEqualTo(new NodeState("False", "KubeletNotReady", "stopped", at(5), at(4), at(3)));
    assertThat(NodeState.of(node, null).leaseRenewed()).isNull();
    assertThat(NodeState.of(null, lease)).isNull();
    assertThat(NodeState.of(new NodeBuilder().withNewMetadata().withName("bare").endMetadata().build(), null))
        .isEqualTo(new NodeState(null, null, null, null, null, null));
  }

  @Test
  void refusesANonPositiveGrace() {
    assertThatThrownBy(() -> new NodeLiveness(Duration.ZERO)).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> new NodeLiveness(null)).hasMessageContaining("must be positive");
  }
}
