package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Observed state of one job of a Workflow. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class JobStatus {
  @JsonPropertyDescription("Job name.")
  public String name;

  @JsonPropertyDescription("Blocked, OnHold, Running, Succeeded, Failed, Canceled or NotRun.")
  public JobState state;

  @JsonPropertyDescription("Builds of this job (one per parallel node).")
  public List<String> builds = new ArrayList<>();

  @JsonPropertyDescription("When the job's first Build was created.")
  public String startedAt;

  @JsonPropertyDescription("When the job ended.")
  public String finishedAt;

  public JobStatus() {}

  public JobStatus(String name, JobState state) {
    this.name = name;
    this.state = state;
  }
}
