package dev.circlet.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.MachinePoolSpec;
import dev.circlet.api.v1alpha1.MachinePoolStatus;
import dev.circlet.api.v1alpha1.MachineTemplate;
import dev.circlet.operator.machine.Machine.State;
import dev.circlet.operator.machine.PoolPlanner.Plan;
import dev.circlet.operator.machine.PoolPlanner.Removal;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PoolPlannerTest {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  static MachinePoolSpec spec(int minWarm, int max) {
    MachinePoolSpec s = new MachinePoolSpec();
    s.template = new MachineTemplate("2", "8Gi", "20Gi", "default");
    s.images = Map.of("default", "registry.example/ubuntu:22.04");
    s.minWarm = minWarm;
    s.max = max;
    s.idleTtlSeconds = 3600L;
    s.bootTimeoutSeconds = 600L;
    return s;
  }

  /** A VM created {@code ageS} seconds ago; ready since then when READY; claimed by {@code build} (claimed 5 min ago). */
  static Machine vm(String name, State state, String build, long ageS) {
    Instant created = NOW.minusSeconds(ageS);
    return new Machine(name, "p", "k", state, build, created, state == State.READY ? created : null,
        build == null ? null : NOW.minusSeconds(300), build == null ? null : "ns/" + build);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("empty pool boots minWarm", 3, 10, List.of(), 3, Map.of()),
        Arguments.of("booting VMs count toward minWarm", 3, 10,
            List.of(vm("a", State.BOOTING, null, 10), vm("b", State.READY, null, 100)), 1, Map.of()),
        Arguments.of("busy VMs do not count toward minWarm", 2, 10,
            List.of(vm("a", State.READY, "live", 100), vm("b", State.READY, null, 100)), 1, Map.of()),
        Arguments.of("max caps the refill", 3, 4,
            List.of(vm("a", State.READY, "live", 100), vm("b", State.READY, "live", 100),
                vm("c", State.READY, "live", 100)), 1, Map.of()),
        Arguments.of("stopped free VM is removed and replaced", 1, 4,
            List.of(vm("a", State.STOPPED, null, 100)), 1, Map.of("a", Removal.STOPPED)),
        Arguments.of("never-ready VM past the boot timeout is removed", 1, 4,
            List.of(vm("a", State.BOOTING, null, 601)), 1, Map.of("a", Removal.BOOT_TIMEOUT)),
        Arguments.of("a removed VM still counts against max until it is gone", 1, 1,
            List.of(vm("a", State.STOPPED, null, 100)), 0, Map.of("a", Removal.STOPPED)),
        Arguments.of("idle warm VM past the TTL is replaced", 1, 4,
            List.of(vm("a", State.READY, null, 3601)), 1, Map.of("a", Removal.IDLE)),
        Arguments.of("claim of a gone Build is a leak", 0, 4,
            List.of(vm("a", State.READY, "gone", 100)), 0, Map.of("a", Removal.LEAKED)),
        Arguments.of("scale-down removes free surplus, booting first, never busy", 1, 10,
            List.of(vm("a", State.READY, "live", 100), vm("b", State.READY, null, 200),
                vm("c", State.READY, null, 100), vm("d", State.BOOTING, null, 5)),
            0, Map.of("d", Removal.SURPLUS, "c", Removal.SURPLUS)),
        Arguments.of("max lowered below busy: free ones go, busy ones stay", 2, 1,
            List.of(vm("a", State.READY, "live", 100), vm("b", State.READY, "live", 100),
                vm("c", State.READY, null, 100)), 0, Map.of("c", Removal.SURPLUS)),
        Arguments.of("a stopped busy VM is its Build's to release", 0, 4,
            List.of(vm("a", State.STOPPED, "live", 100)), 0, Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void plans(String name, int minWarm, int max, List<Machine> machines, int boot, Map<String, Removal> remove) {
    Plan plan = PoolPlanner.plan(spec(minWarm, max), machines, Set.of("live")::contains, NOW);
    assertThat(plan.remove()).as(name).isEqualTo(remove);
    assertThat(plan.boot()).as(name).isEqualTo(boot);
    int present = machines.size();
    assertThat(present + plan.boot()).as(name + ": never more than max at once (removals only free room later)")
        .isLessThanOrEqualTo(Math.max(max, present));
  }

  @Test
  void aFreshClaimOfAnUnknownBuildIsNotALeakYet() {
    Machine fresh = new Machine("a", "p", "k", State.BOOTING, "new-build", NOW, null, NOW.minusSeconds(5), "ns/new");
    assertThat(PoolPlanner.plan(spec(0, 4), List.of(fresh), uid -> false, NOW).remove()).isEmpty();
  }

  @Test
  void statusCountsAndConditions() {
    MachinePool pool = new MachinePool();
    pool.setMetadata(new ObjectMetaBuilder().withName("linux").withGeneration(3L).build());
    pool.setSpec(spec(2, 2));
    List<Machine> machines = new ArrayList<>(List.of(vm("a", State.READY, "live", 100), vm("b", State.READY, "live", 100)));
    Plan plan = PoolPlanner.plan(pool.getSpec(), machines, Set.of("live")::contains, NOW);
    MachinePoolStatus s = new MachinePoolStatus();
    PoolPlanner.status(pool, plan, s, NOW);
    assertThat(s.busy).isEqualTo(2);
    assertThat(s.warm).isZero();
    assertThat(Conditions.isTrue(s.conditions, MachinePool.CONDITION_EXHAUSTED)).isTrue();
    assertThat(Conditions.find(s.conditions, MachinePool.CONDITION_EXHAUSTED).getMessage())
        .isEqualTo("pool \"linux\" has 2 of 2 busy");
    assertThat(Conditions.isTrue(s.conditions, MachinePool.CONDITION_READY)).isFalse();
    assertThat(s.observedGeneration).isEqualTo(3L);
  }
}
