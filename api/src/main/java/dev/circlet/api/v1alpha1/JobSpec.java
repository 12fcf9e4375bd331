package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One job of a compiled workflow graph, as the config compiler emits it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class JobSpec {
  @Required
  @JsonPropertyDescription("Unique name of the job within its workflow (after matrix expansion).")
  public String name;

  @JsonPropertyDescription("build (default), approval or no-op.")
  public JobType type = JobType.BUILD;

  @JsonPropertyDescription("Names of jobs that must succeed before this one starts.")
  public List<String> requires = new ArrayList<>();

  @JsonPropertyDescription("Compiled executor; absent for approval and no-op jobs.")
  public Executor executor;

  @JsonPropertyDescription("CircleCI resource class, mapped through the cluster's ResourceClasses.")
  public String resourceClass;

  @JsonPropertyDescription("Working directory; default ~/project.")
  public String workingDirectory;

  @JsonPropertyDescription("Default shell of run steps.")
  public String shell;

  @JsonPropertyDescription("Job environment (executor's merged with the job's).")
  public Map<String, String> environment = new LinkedHashMap<>();

  @Min(1)
  @JsonPropertyDescription("Number of parallel nodes; each becomes its own Build.")
  public Integer parallelism;

  @JsonPropertyDescription("Steps in order.")
  public List<Step> steps = new ArrayList<>();

  @JsonPropertyDescription("Contexts whose secrets the job receives.")
  public List<String> contexts = new ArrayList<>();

  @JsonPropertyDescription("For required jobs waited on for something other than success: the statuses that let"
      + " this job run (success, failed, canceled, not_run, terminal). A required job ending in another status"
      + " leaves this job not run.")
  public Map<String, List<String>> requiredStatuses = new LinkedHashMap<>();

  @JsonPropertyDescription("Jobs sharing a serial group run one at a time, first in first out.")
  public String serialGroup;

  public JobSpec() {}

  public int parallelismOrOne() {
    return parallelism == null || parallelism < 1 ? 1 : parallelism;
  }
}
