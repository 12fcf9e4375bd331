package dev.circlet.config.model;

import java.util.List;

/** One workflow after compilation: its jobs in declaration order, matrix and names expanded. */
public record CompiledWorkflow(String name, List<JobSpec> jobs) {
  public CompiledWorkflow {
    jobs = List.copyOf(jobs);
  }

  public JobSpec job(String jobName) {
    return jobs.stream().filter(j -> j.name().equals(jobName)).findFirst().orElse(null);
  }
}
