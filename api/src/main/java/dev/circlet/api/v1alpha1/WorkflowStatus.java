package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a Workflow. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class WorkflowStatus {
  @JsonPropertyDescription("Running, OnHold, Succeeded, Failed or Canceled.")
  public WorkflowPhase phase;

  @JsonPropertyDescription("State and Builds of each job.")
  public List<JobStatus> jobs = new ArrayList<>();

  @JsonPropertyDescription("When the workflow started.")
  public String startedAt;

  @JsonPropertyDescription("When it ended.")
  public String finishedAt;

  @JsonPropertyDescription("metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Conditions, e.g. Succeeded.")
  public List<Condition> conditions = new ArrayList<>();

  public WorkflowStatus() {}

  public JobStatus job(String name) {
    for (JobStatus j : jobs) {
      if (j.name.equals(name)) {
        return j;
      }
    }
    return null;
  }
}
