package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What a MachinePool's VMs are doing. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MachinePoolStatus {
  @JsonPropertyDescription("Booted VMs waiting for a Build.")
  public Integer warm;

  @JsonPropertyDescription("VMs booting, warm or already claimed.")
  public Integer booting;

  @JsonPropertyDescription("VMs running a Build.")
  public Integer busy;

  @JsonPropertyDescription("VMs that failed to boot or stopped, being removed.")
  public Integer failed;

  @JsonPropertyDescription("metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready and Exhausted conditions.")
  public List<Condition> conditions = new ArrayList<>();

  public MachinePoolStatus() {}
}
