package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kind of a workflow job. */
public enum JobType {
  /** A job with an executor and steps. */
  @JsonProperty("build")
  BUILD,
  /** Holds the workflow until approved. */
  @JsonProperty("approval")
  APPROVAL,
  /** Succeeds immediately; a join point in the graph. */
  @JsonProperty("no-op")
  NO_OP
}
