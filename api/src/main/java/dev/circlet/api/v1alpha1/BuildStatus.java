package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a Build. Step detail and logs live outside the resource. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class BuildStatus {
  @JsonPropertyDescription("Queued, Admitted, Running, Succeeded, Failed, Canceled or TimedOut.")
  public BuildPhase phase;

  @JsonPropertyDescription("When the Build entered the queue (RFC 3339).")
  public String queuedAt;

  @JsonPropertyDescription("When admission granted it a slot.")
  public String admittedAt;

  @JsonPropertyDescription("When its pod started running.")
  public String startedAt;

  @JsonPropertyDescription("When it reached a terminal phase.")
  public String finishedAt;

  @JsonPropertyDescription("Name of the Pod running the Build.")
  public String podName;

  @JsonPropertyDescription("machine executor: name of the VirtualMachineInstance running the Build.")
  public String machineName;

  @JsonPropertyDescription("Node the pod runs on.")
  public String nodeName;

  @JsonPropertyDescription("Node pool of the resource class.")
  public String nodePool;

  @JsonPropertyDescription("Exit code of the primary container, when known.")
  public Integer exitCode;

  @JsonPropertyDescription("Short reason of the outcome: OOMKilled, ImagePullBackOff, Evicted, Error, …")
  public String reason;

  @JsonPropertyDescription("One line telling what happened.")
  public String message;

  @JsonPropertyDescription("Where the build log is kept.")
  public String logLocation;

  @JsonPropertyDescription("metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Admitted, Scheduled, Ready and Succeeded conditions.")
  public List<Condition> conditions = new ArrayList<>();

  public BuildStatus() {}
}
