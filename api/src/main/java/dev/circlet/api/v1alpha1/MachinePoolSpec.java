package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The VMs a MachinePool boots, how many it keeps warm and where they run. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MachinePoolSpec {
  @Required
  @JsonPropertyDescription("Shape of the warm VMs: CPU, memory, disk and image.")
  public MachineTemplate template = new MachineTemplate();

  @Required
  @JsonPropertyDescription("VM images the pool offers: a CircleCI machine image name ('ubuntu-2204:current',"
      + " 'default') to a VM disk image (a KubeVirt containerDisk image reference).")
  public Map<String, String> images = new LinkedHashMap<>();

  @Default("0")
  @Min(0)
  @JsonPropertyDescription("Booted, unclaimed VMs the pool keeps ready. Default 0 (every Build boots its VM).")
  public Integer minWarm = 0;

  @Required
  @Min(1)
  @JsonPropertyDescription("Most VMs of the pool at once, warm, booting and busy together.")
  public Integer max;

  @Default("3600")
  @Min(60)
  @JsonPropertyDescription("A warm VM unclaimed for this long is replaced by a fresh one. Default 3600.")
  public Long idleTtlSeconds = 3600L;

  @Default("600")
  @Min(10)
  @JsonPropertyDescription("A VM not ready this long after it was created has failed to boot. Default 600.")
  public Long bootTimeoutSeconds = 600L;

  @Default("2")
  @Min(0)
  @JsonPropertyDescription("How many more VMs a Build may try after its VM failed to boot, before it fails."
      + " Default 2.")
  public Integer bootRetries = 2;

  @JsonPropertyDescription("Namespace the pool's VirtualMachineInstances live in; default the operator's.")
  public String namespace;

  @JsonPropertyDescription("Name of the node pool the VMs run on, shown in Build status.")
  public String nodePool;

  @JsonPropertyDescription("Node labels the VMs' nodes must carry.")
  public Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Tolerations for the node pool's taints.")
  public List<Toleration> tolerations = new ArrayList<>();

  public MachinePoolSpec() {}

  /** The disk image of a CircleCI machine image name; {@code default} when none is named. */
  public String diskImage(String machineImage) {
    String name = machineImage == null || machineImage.isBlank() ? MachineTemplate.DEFAULT_IMAGE : machineImage;
    return images == null ? null : images.get(name);
  }
}
