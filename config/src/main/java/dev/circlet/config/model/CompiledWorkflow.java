package dev.circlet.config.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One workflow after compilation: its jobs in declaration order, matrix and names expanded.
 * {@code matrixGroups} names, for each job that is an instance of a matrix, the matrix's alias
 * (the job name unless the matrix sets {@code alias}), so a UI can show the instances together.
 */
public record CompiledWorkflow(String name, List<JobSpec> jobs, @JsonIgnore Map<String, Object> conditions,
    @JsonIgnore Map<String, Object> filters, @JsonIgnore Map<String, String> matrixGroups) {
  public CompiledWorkflow {
    jobs = List.copyOf(jobs);
    conditions = conditions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
    filters = filters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(filters));
    matrixGroups = matrixGroups == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(matrixGroups));
  }

  public CompiledWorkflow(String name, List<JobSpec> jobs, Map<String, Object> conditions,
      Map<String, Object> filters) {
    this(name, jobs, conditions, filters, Map.of());
  }

  public CompiledWorkflow(String name, List<JobSpec> jobs) {
    this(name, jobs, Map.of(), Map.of());
  }

  /**
   * The same workflow with its {@code when}, {@code unless} and {@code triggers} as written
   * (pipeline values substituted), which {@code config process} prints for the trigger to decide.
   */
  public CompiledWorkflow withConditions(Map<String, Object> workflowConditions) {
    return new CompiledWorkflow(name, jobs, workflowConditions, filters, matrixGroups);
  }

  public JobSpec job(String jobName) {
    return jobs.stream().filter(j -> j.name().equals(jobName)).findFirst().orElse(null);
  }
}
