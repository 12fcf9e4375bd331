package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compiled workflow run: its job graph, its trigger, and the approvals and cancel it received. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class WorkflowSpec {
  @JsonPropertyDescription("Pipeline this workflow belongs to.")
  public String pipeline;

  @JsonPropertyDescription("Pipeline number this workflow ran under.")
  public Long pipelineNumber;

  @JsonPropertyDescription("Workflow name in the config.")
  public String workflowName;

  @Required
  @JsonPropertyDescription("Organization whose capacity its Builds use.")
  public String organization;

  @JsonPropertyDescription("What started the run.")
  public Trigger trigger;

  @JsonPropertyDescription("Pipeline parameters the run was compiled with.")
  public Map<String, String> parameters = new LinkedHashMap<>();

  @Required
  @JsonPropertyDescription("The compiled job graph.")
  public List<JobSpec> jobs = new ArrayList<>();

  @JsonPropertyDescription("Names of approval jobs that were approved.")
  public List<String> approvals = new ArrayList<>();

  @JsonPropertyDescription("Set to true to cancel the workflow and its running Builds.")
  public Boolean cancel;

  @JsonPropertyDescription("Priority given to the Builds of this workflow. Default 0.")
  public Integer priority;

  @JsonPropertyDescription("Timeout of each Build, in seconds. Default 3600.")
  public Long buildTimeoutSeconds;

  public WorkflowSpec() {}

  public boolean cancelRequested() {
    return Boolean.TRUE.equals(cancel);
  }
}
