package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Observed state of a Pipeline. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PipelineStatus {
  @JsonPropertyDescription("Workflows the config defines.")
  public List<String> workflows = new ArrayList<>();

  @JsonPropertyDescription("Last pipeline number allocated.")
  public Long lastPipelineNumber;

  @JsonPropertyDescription("metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Registry orbs the config uses, each reference with the exact version it resolved to"
      + " (circleci/node@5 -> 5.1.0); while the spec is unchanged, compiles use these same versions.")
  public Map<String, String> orbs = new TreeMap<>();

  @JsonPropertyDescription("ConfigValid: False with line and column when the config cannot run.")
  public List<Condition> conditions = new ArrayList<>();

  public PipelineStatus() {}
}
