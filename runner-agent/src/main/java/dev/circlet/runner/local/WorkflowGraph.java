package dev.circlet.runner.local;

import dev.circlet.config.model.JobSpec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The DAG of a workflow's jobs: validation, readiness and upstream closures. */
public final class WorkflowGraph {
  private final Map<String, JobSpec> jobs = new LinkedHashMap<>();

  /** A clear {@link IllegalArgumentException} on duplicates, unknown requirements or cycles. */
  public WorkflowGraph(List<JobSpec> list) {
    for (JobSpec j : list) {
      if (jobs.put(j.name(), j) != null) {
        throw new IllegalArgumentException("job " + j.name() + " appears twice in the workflow");
      }
    }
    for (JobSpec j : list) {
      for (String r : j.requires()) {
        if (!jobs.containsKey(r)) {
          throw new IllegalArgumentException("job " + j.name() + " requires " + r + ", which is not in the workflow");
        }
      }
    }
    for (JobSpec j : list) {
      if (upstream(j.name()).contains(j.name())) {
        throw new IllegalArgumentException("job " + j.name() + " requires itself through a cycle");
      }
    }
  }

  public Map<String, JobSpec> jobs() {
    return jobs;
  }

  /** All jobs {@code job} depends on, directly or not. */
  public Set<String> upstream(String job) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(jobs.get(job).requires());
    while (!todo.isEmpty()) {
      String j = todo.pop();
      if (seen.add(j)) {
        todo.addAll(jobs.get(j).requires());
      }
    }
    return seen;
  }
}
