package dev.circlet.operator.machine;

import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.MachinePoolSpec;
import dev.circlet.api.v1alpha1.Timestamps;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the VirtualMachineInstance of a pool VM: shape, boot image, scratch disk, cloud-init
 * data from a Secret, placement, labels. Pure: the same inputs give the same object.
 */
public final class VmiFactory {
  static final String BOOT_DISK = "boot";
  static final String SCRATCH_DISK = "scratch";
  static final String CLOUD_INIT_DISK = "cloudinit";

  private VmiFactory() {}

  /**
   * A VM of the pool.
   *
   * @param name the VMI's name
   * @param userDataSecret the Secret (in the pool's namespace) holding the cloud-init {@code userdata}
   * @param claim the Build that holds the VM from its creation (a cold boot), or null for a warm VM
   */
  public static VirtualMachineInstance vmi(MachinePool pool, String namespace, String name, MachineShape shape,
      String diskImage, String userDataSecret, Claim claim) {
    MachinePoolSpec spec = pool.getSpec();
    if (diskImage == null || diskImage.isBlank()) {
      throw new IllegalArgumentException("machine pool \"" + pool.getMetadata().getName()
          + "\" offers no disk image for \"" + shape.image() + "\"");
    }
    VirtualMachineInstance vmi = new VirtualMachineInstance();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(namespace);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(CircletApi.LABEL_MANAGED_BY, CircletApi.MANAGER);
    labels.put(MachineLabels.POOL, pool.getMetadata().getName());
    labels.put(MachineLabels.SHAPE, shape.key());
    Map<String, String> notes = new LinkedHashMap<>();
    if (claim != null) {
      labels.put(MachineLabels.CLAIMED_BY, claim.buildUid());
      notes.put(MachineLabels.CLAIMED_BUILD, claim.buildNamespace() + "/" + claim.buildName());
      notes.put(MachineLabels.CLAIMED_AT, Timestamps.format(claim.at()));
      notes.put(MachineLabels.ATTEMPT, Integer.toString(claim.attempt()));
      // Booted for this Build, its user data carries the job: nothing is handed over later.
      notes.put(MachineLabels.ASSIGNED, Timestamps.format(claim.at()));
    }
    meta.setLabels(labels);
    meta.setAnnotations(notes);
    // The pool owns its VMs: deleting the pool deletes them (cluster-scoped owner, namespaced child).
    meta.setOwnerReferences(java.util.List.of(owner(pool)));
    vmi.setMetadata(meta);

    VirtualMachineInstance.Spec s = new VirtualMachineInstance.Spec();
    s.domain.cpu.cores = cores(shape.cpu());
    s.domain.resources.requests.put("memory", shape.memory());
    s.domain.devices.disks.add(new VirtualMachineInstance.Disk(BOOT_DISK));
    s.domain.devices.disks.add(new VirtualMachineInstance.Disk(SCRATCH_DISK));
    s.domain.devices.disks.add(new VirtualMachineInstance.Disk(CLOUD_INIT_DISK));
    VirtualMachineInstance.Volume boot = new VirtualMachineInstance.Volume();
    boot.name = BOOT_DISK;
    boot.containerDisk = new VirtualMachineInstance.ContainerDisk();
    boot.containerDisk.image = diskImage;
    VirtualMachineInstance.Volume scratch = new VirtualMachineInstance.Volume();
    scratch.name = SCRATCH_DISK;
    scratch.emptyDisk = new VirtualMachineInstance.EmptyDisk();
    scratch.emptyDisk.capacity = shape.disk();
    VirtualMachineInstance.Volume init = new VirtualMachineInstance.Volume();
    init.name = CLOUD_INIT_DISK;
    init.cloudInitNoCloud = new VirtualMachineInstance.CloudInitNoCloud();
    init.cloudInitNoCloud.secretRef = new VirtualMachineInstance.SecretRef(userDataSecret);
    s.volumes.add(boot);
    s.volumes.add(scratch);
    s.volumes.add(init);
    if (spec.nodeSelector != null) {
      s.nodeSelector.putAll(spec.nodeSelector);
    }
    if (spec.tolerations != null) {
      s.tolerations.addAll(spec.tolerations);
    }
    // A single-use VM has nothing to save on shutdown.
    s.terminationGracePeriodSeconds = 0L;
    vmi.setSpec(s);
    return vmi;
  }

  /** A Build holding a VM; {@code attempt} counts the VMs the Build has had, this one included. */
  public record Claim(String buildNamespace, String buildName, String buildUid, Instant at, int attempt) {
    public Claim(String buildNamespace, String buildName, String buildUid, Instant at) {
      this(buildNamespace, buildName, buildUid, at, 1);
    }
  }

  static OwnerReference owner(MachinePool pool) {
    return new OwnerReferenceBuilder()
        .withApiVersion(CircletApi.API_VERSION)
        .withKind("MachinePool")
        .withName(pool.getMetadata().getName())
        .withUid(pool.getMetadata().getUid())
        .withBlockOwnerDeletion(false)
        .build();
  }

  /** Whole virtual CPUs: '2' is 2, '500m' rounds up to 1. */
  static int cores(String cpu) {
    if (cpu == null || cpu.isBlank()) {
      throw new IllegalArgumentException("a machine needs a cpu count");
    }
    String c = cpu.strip();
    try {
      if (c.endsWith("m")) {
        return Math.max(1, (int) Math.ceil(Integer.parseInt(c.substring(0, c.length() - 1)) / 1000.0));
      }
      return Math.max(1, (int) Math.ceil(Double.parseDouble(c)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cpu \"" + cpu + "\" is not a CPU quantity such as '2' or '500m'");
    }
  }
}
