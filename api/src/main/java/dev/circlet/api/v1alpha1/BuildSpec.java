package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one job run is: the compiled job, who pays for it, and how urgent it is. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class BuildSpec {
  @Required
  @JsonPropertyDescription("Organization (cluster-scoped) whose capacity this Build uses.")
  public String organization;

  @JsonPropertyDescription("Workflow this Build belongs to, if any.")
  public String workflow;

  @JsonPropertyDescription("Pipeline this Build belongs to, if any.")
  public String pipeline;

  @Required
  @JsonPropertyDescription("The compiled job to run.")
  public JobSpec job;

  @Min(0)
  @JsonPropertyDescription("Index of this node when the job runs with parallelism (CIRCLE_NODE_INDEX).")
  public Integer parallelIndex;

  @Min(1)
  @JsonPropertyDescription("Total nodes of the job (CIRCLE_NODE_TOTAL).")
  public Integer parallelTotal;

  @JsonPropertyDescription("Jobs of the Workflow this job requires, directly or through others: attach_workspace"
      + " applies only their workspace layers. Unset for a Build outside a Workflow.")
  public List<String> upstreamJobs;

  @JsonPropertyDescription("Higher runs first within the organization. Default 0.")
  public Integer priority;

  @Min(1)
  @JsonPropertyDescription("Wall-clock limit from start; the Build ends TimedOut after it. Default 3600.")
  public Long timeoutSeconds;

  @JsonPropertyDescription("Set to true to cancel the Build; its pod is stopped and it ends Canceled.")
  public Boolean cancel;

  @JsonPropertyDescription("Trigger values exposed to the job (CIRCLE_SHA1, CIRCLE_BRANCH, …).")
  public Map<String, String> trigger = new LinkedHashMap<>();

  public BuildSpec() {}

  public int priorityOrZero() {
    return priority == null ? 0 : priority;
  }

  public boolean cancelRequested() {
    return Boolean.TRUE.equals(cancel);
  }
}
