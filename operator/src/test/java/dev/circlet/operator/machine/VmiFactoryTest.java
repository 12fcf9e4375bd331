package dev.circlet.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.ResourceClassSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VmiFactoryTest {
  static MachinePool pool() {
    MachinePool p = new MachinePool();
    p.setMetadata(new ObjectMetaBuilder().withName("linux").withUid("pool-uid").build());
    p.setSpec(PoolPlannerTest.spec(1, 3));
    p.getSpec().nodeSelector.put("circlet.dev/pool", "vms");
    return p;
  }

  @Test
  void warmVmHasShapeImageCloudInitSecretAndNoClaim() {
    MachinePool pool = pool();
    MachineShape shape = MachineShape.warm(pool.getSpec());
    VirtualMachineInstance v = VmiFactory.vmi(pool, "circlet-machines", "linux-abc", shape,
        pool.getSpec().diskImage(null), "linux-abc-boot", null);
    String yaml = Serialization.asYaml(v);
    assertThat(yaml).contains("apiVersion: \"kubevirt.io/v1\"", "kind: \"VirtualMachineInstance\"",
        "cores: 2", "memory: \"8Gi\"", "image: \"registry.example/ubuntu:22.04\"", "capacity: \"20Gi\"",
        "name: \"linux-abc-boot\"", "circlet.dev/pool: \"vms\"");
    assertThat(v.getMetadata().getLabels()).containsEntry(MachineLabels.POOL, "linux")
        .containsEntry(MachineLabels.SHAPE, shape.key()).doesNotContainKey(MachineLabels.CLAIMED_BY);
    assertThat(v.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("pool-uid");
    assertThat(Machines.of(v).state()).isEqualTo(Machine.State.BOOTING);
  }

  @Test
  void coldBootCarriesTheClaimFromTheStart() {
    MachinePool pool = pool();
    VirtualMachineInstance v = VmiFactory.vmi(pool, "ns", "linux-b1", MachineShape.warm(pool.getSpec()),
        "img", "s", new VmiFactory.Claim("team", "build-1", "uid-1", Instant.parse("2026-01-01T00:00:00Z")));
    Machine m = Machines.of(v);
    assertThat(m.claimedBy()).isEqualTo("uid-1");
    assertThat(m.claimedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void shapesOfAResourceClass() {
    MachinePool pool = pool();
    ResourceClassSpec rc = new ResourceClassSpec();
    rc.cpu = "2";
    rc.memory = "8Gi";
    assertThat(MachineShape.wanted(rc, pool.getSpec(), null)).isEqualTo(MachineShape.warm(pool.getSpec()));
    assertThat(MachineShape.wanted(rc, pool.getSpec(), "ubuntu-2204:current").key())
        .isNotEqualTo(MachineShape.warm(pool.getSpec()).key());
    rc.cpu = "4";
    assertThat(MachineShape.wanted(rc, pool.getSpec(), null).key()).isNotEqualTo(MachineShape.warm(pool.getSpec()).key());
  }

  @Test
  void badInputIsAClearError() {
    MachinePool pool = pool();
    assertThatThrownBy(() -> VmiFactory.vmi(pool, "ns", "x", MachineShape.warm(pool.getSpec()),
        pool.getSpec().diskImage("ubuntu-1604:old"), "s", null))
        .hasMessageContaining("offers no disk image for \"default\"");
    assertThat(VmiFactory.cores("500m")).isEqualTo(1);
    assertThat(VmiFactory.cores("3")).isEqualTo(3);
    assertThatThrownBy(() -> VmiFactory.cores("lots")).hasMessageContaining("not a CPU quantity");
  }
}
