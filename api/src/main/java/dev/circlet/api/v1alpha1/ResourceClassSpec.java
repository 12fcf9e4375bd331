package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Size and placement of one resource class. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ResourceClassSpec {
  @Default("docker")
  @JsonPropertyDescription("docker (a Pod) or machine (a VM). Default docker.")
  public ExecutorKind executor = ExecutorKind.DOCKER;

  @Required
  @JsonPropertyDescription("CPU of the primary container, e.g. '2' or '500m'; request and limit.")
  public String cpu;

  @Required
  @JsonPropertyDescription("Memory of the primary container, e.g. '4Gi'; request and limit.")
  public String memory;

  @JsonPropertyDescription("Name of the node pool, shown in Build status.")
  public String nodePool;

  @JsonPropertyDescription("Node labels a build pod must match.")
  public Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Tolerations for the node pool's taints.")
  public List<Toleration> tolerations = new ArrayList<>();

  @JsonPropertyDescription("RuntimeClass of build pods, e.g. 'gvisor' or 'kata'.")
  public String runtimeClassName;

  @JsonPropertyDescription("Scheduler of build pods, e.g. a batch scheduler; default the cluster's default scheduler.")
  public String schedulerName;

  @Default("restricted")
  @JsonPropertyDescription("Pod Security Standard the build pod meets: restricted (default) or baseline.")
  public String podSecurity = "restricted";

  @JsonPropertyDescription("machine executor: VM template name.")
  public String vmTemplate;

  @JsonPropertyDescription("machine executor: the MachinePool whose VMs run the jobs of this class.")
  public String machinePool;

  @JsonPropertyDescription("machine executor: scratch disk of the VM, e.g. '50Gi'; default the pool's.")
  public String disk;

  public ResourceClassSpec() {}
}
