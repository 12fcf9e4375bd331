package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.MachinePoolSpec;
import dev.circlet.api.v1alpha1.MachineTemplate;
import dev.circlet.api.v1alpha1.ResourceClassSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The size and image of a VM. A warm VM serves a Build only when their shapes are equal; the
 * shape's {@link #key()} is a label value, so the API server can select VMs by it.
 */
public record MachineShape(String cpu, String memory, String disk, String image) {

  /** The shape of the warm VMs a pool boots. */
  public static MachineShape warm(MachinePoolSpec pool) {
    MachineTemplate t = pool.template;
    return new MachineShape(t.cpu, t.memory, t.disk == null ? "20Gi" : t.disk,
        t.image == null || t.image.isBlank() ? MachineTemplate.DEFAULT_IMAGE : t.image);
  }

  /** The shape a Build of this resource class and machine image needs from its pool. */
  public static MachineShape wanted(ResourceClassSpec rc, MachinePoolSpec pool, String machineImage) {
    MachineShape warm = warm(pool);
    return new MachineShape(
        blank(rc.cpu) ? warm.cpu : rc.cpu,
        blank(rc.memory) ? warm.memory : rc.memory,
        blank(rc.disk) ? warm.disk : rc.disk,
        blank(machineImage) ? MachineTemplate.DEFAULT_IMAGE : machineImage);
  }

  /** A short stable digest of the shape, fit for a label value. */
  public String key() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest((cpu + "|" + memory + "|" + disk + "|" + image).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
