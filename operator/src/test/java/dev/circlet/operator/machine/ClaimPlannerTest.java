package dev.circlet.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.operator.machine.ClaimPlanner.Adopt;
import dev.circlet.operator.machine.ClaimPlanner.Boot;
import dev.circlet.operator.machine.ClaimPlanner.Decision;
import dev.circlet.operator.machine.ClaimPlanner.TakeFree;
import dev.circlet.operator.machine.ClaimPlanner.Wait;
import dev.circlet.operator.machine.Machine.State;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClaimPlannerTest {
  static final Instant T = Instant.parse("2026-01-01T12:00:00Z");

  static Machine vm(String name, String shape, State state, String claimedBy, int age) {
    return new Machine(name, "linux", shape, state, claimedBy, T.minusSeconds(age), null, null, null);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("the Build's own VM is adopted", 2,
            List.of(vm("a", "k", State.READY, null, 9), vm("b", "k", State.BOOTING, "me", 1)), "Adopt b"),
        Arguments.of("a stopped VM of the Build is not adopted", 1,
            List.of(vm("b", "k", State.STOPPED, "me", 1)), "Wait"),
        Arguments.of("free VMs of the shape, booted before booting", 4,
            List.of(vm("a", "k", State.BOOTING, null, 9), vm("b", "k", State.READY, null, 1)), "TakeFree b,a"),
        Arguments.of("VMs of another shape are not taken", 4,
            List.of(vm("a", "other", State.READY, null, 9)), "Boot"),
        Arguments.of("claimed VMs are not taken", 4,
            List.of(vm("a", "k", State.READY, "someone", 9)), "Boot"),
        Arguments.of("full pool with a free VM of another shape evicts it", 1,
            List.of(vm("a", "other", State.READY, null, 9)), "Boot evict a"),
        Arguments.of("full pool of busy VMs waits with the reason", 2,
            List.of(vm("a", "k", State.READY, "x", 9), vm("b", "k", State.READY, "y", 9)),
            "Wait MachinePoolExhausted: pool \"linux\" has 2 of 2 busy"),
        Arguments.of("VMs being removed still count against max", 2,
            List.of(vm("a", "k", State.READY, "x", 9), vm("b", "k", State.STOPPED, null, 9)),
            "Wait MachinePoolExhausted: pool \"linux\" has 1 of 2 busy"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(String name, int max, List<Machine> machines, String expected) {
    Decision d = ClaimPlanner.decide("linux", max, machines, "me", "k");
    assertThat(render(d)).as(name).startsWith(expected);
  }

  @Test
  void claimantsStartAtDifferentWarmVms() {
    List<Machine> warm = List.of(vm("a", "k", State.READY, null, 3), vm("b", "k", State.READY, null, 2),
        vm("c", "k", State.READY, null, 1));
    long firsts = Stream.of("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
        .map(uid -> ((TakeFree) ClaimPlanner.decide("linux", 5, warm, uid, "k")).candidates().get(0).name())
        .distinct().count();
    assertThat(firsts).isGreaterThan(1);
    for (String uid : List.of("u1", "u2", "u3")) {
      assertThat(((TakeFree) ClaimPlanner.decide("linux", 5, warm, uid, "k")).candidates()).hasSize(3);
    }
  }

  static String render(Decision d) {
    return switch (d) {
      case Adopt a -> "Adopt " + a.machine().name();
      case TakeFree t -> "TakeFree " + String.join(",", t.candidates().stream().map(Machine::name).toList());
      case Boot b -> b.evict() == null ? "Boot" : "Boot evict " + b.evict();
      case Wait w -> "Wait " + w.reasonAndMessage();
    };
  }
}
