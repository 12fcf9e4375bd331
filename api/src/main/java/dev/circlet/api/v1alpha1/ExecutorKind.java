package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a job runs: a Pod (docker executor) or a VM (machine executor). */
public enum ExecutorKind {
  @JsonProperty("docker")
  DOCKER,
  @JsonProperty("machine")
  MACHINE,
  @JsonProperty("macos")
  MACOS
}
