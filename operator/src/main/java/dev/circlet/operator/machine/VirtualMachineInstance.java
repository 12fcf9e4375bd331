package dev.circlet.operator.machine;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * KubeVirt's {@code kubevirt.io/v1 VirtualMachineInstance}, reduced to the fields Circlet writes
 * and reads; unknown fields are kept out of the model, never rejected.
 */
@Group("kubevirt.io")
@Version("v1")
@Kind("VirtualMachineInstance")
@Singular("virtualmachineinstance")
@Plural("virtualmachineinstances")
@JsonIgnoreProperties(ignoreUnknown = true)
public class VirtualMachineInstance
    extends CustomResource<VirtualMachineInstance.Spec, VirtualMachineInstance.Status> implements Namespaced {

  public VirtualMachineInstance() {}

  /** {@code spec}: the domain (CPU, memory, disks), volumes and placement. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Spec {
    public Domain domain = new Domain();
    public List<Volume> volumes = new ArrayList<>();
    public Map<String, String> nodeSelector = new LinkedHashMap<>();
    public List<Toleration> tolerations = new ArrayList<>();
    public Long terminationGracePeriodSeconds;
  }

  /** {@code spec.domain}. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Domain {
    public Cpu cpu = new Cpu();
    public Resources resources = new Resources();
    public Devices devices = new Devices();
  }

  /** {@code spec.domain.cpu}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Cpu {
    public Integer cores;
  }

  /** {@code spec.domain.resources}: guest memory as a request. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Resources {
    public Map<String, String> requests = new LinkedHashMap<>();
  }

  /** {@code spec.domain.devices}. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Devices {
    public List<Disk> disks = new ArrayList<>();
  }

  /** {@code spec.domain.devices.disks[]}: a disk attached on the virtio bus. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Disk {
    public String name;
    public DiskTarget disk;

    public Disk() {}

    public Disk(String name) {
      this.name = name;
      this.disk = new DiskTarget();
      this.disk.bus = "virtio";
    }
  }

  /** {@code disks[].disk}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class DiskTarget {
    public String bus;
  }

  /** {@code spec.volumes[]}: one of a container disk, a scratch disk or cloud-init data. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Volume {
    public String name;
    public ContainerDisk containerDisk;
    public EmptyDisk emptyDisk;
    public CloudInitNoCloud cloudInitNoCloud;
  }

  /** {@code volumes[].containerDisk}: the boot image. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class ContainerDisk {
    public String image;
  }

  /** {@code volumes[].emptyDisk}: scratch space, discarded with the VM. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class EmptyDisk {
    public String capacity;
  }

  /** {@code volumes[].cloudInitNoCloud}: user data read from a Secret, never inlined in the spec. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class CloudInitNoCloud {
    public SecretRef secretRef;
  }

  /** A {@code {name: …}} reference to a Secret in the VMI's namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class SecretRef {
    public String name;

    public SecretRef() {}

    public SecretRef(String name) {
      this.name = name;
    }
  }

  /** {@code status}: what virt-handler reports. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Status {
    /** Pending, Scheduling, Scheduled, Running, Succeeded, Failed or Unknown. */
    public String phase;
    public String reason;
    public String nodeName;
    public List<Condition> conditions = new ArrayList<>();
    public List<NetworkInterface> interfaces = new ArrayList<>();
  }

  /** {@code status.conditions[]}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Condition {
    public String type;
    public String status;
    public String reason;
    public String message;
    public String lastTransitionTime;

    public Condition() {}

    public Condition(String type, String status) {
      this.type = type;
      this.status = status;
    }
  }

  /** {@code status.interfaces[]}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class NetworkInterface {
    public String name;
    public String ipAddress;
  }
}
