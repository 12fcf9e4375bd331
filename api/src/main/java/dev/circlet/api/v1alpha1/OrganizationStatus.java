package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed use of an Organization's plan. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class OrganizationStatus {
  @JsonPropertyDescription("Builds holding a slot (Admitted or Running).")
  public Integer running;

  @JsonPropertyDescription("Builds waiting for a slot.")
  public Integer queued;

  @JsonPropertyDescription("metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Conditions.")
  public List<Condition> conditions = new ArrayList<>();

  public OrganizationStatus() {}
}
