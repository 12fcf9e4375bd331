package dev.circlet.gateway.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.JobState;
import dev.circlet.api.v1alpha1.JobStatus;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.api.v1alpha1.WorkflowStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The spec of a Workflow that reruns another: every job, or only the jobs that failed or were
 * canceled and everything downstream of them. Jobs left out already succeeded in the original, so
 * the requires edges pointing at them are dropped and the kept jobs start as soon as the rest of
 * their requirements allow. Approvals and the cancel request are not carried over.
 */
public final class Rerun {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Rerun() {}

  /** The new spec; throws IllegalArgumentException when {@code failedOnly} finds nothing that failed. */
  public static WorkflowSpec spec(WorkflowSpec original, WorkflowStatus status, boolean failedOnly) {
    WorkflowSpec spec = JSON.convertValue(original, WorkflowSpec.class);
    spec.approvals = new ArrayList<>();
    spec.cancel = null;
    if (!failedOnly) {
      return spec;
    }
    Set<String> rerun = new HashSet<>();
    if (status != null) {
      for (JobStatus js : status.jobs) {
        if (js.state == JobState.Failed || js.state == JobState.Canceled) {
          rerun.add(js.name);
        }
      }
    }
    if (rerun.isEmpty()) {
      throw new IllegalArgumentException("no job of this workflow failed or was canceled; rerun it whole");
    }
    // Downstream closure: a job requiring any job in the set is in the set.
    boolean grew = true;
    while (grew) {
      grew = false;
      for (JobSpec j : spec.jobs) {
        if (!rerun.contains(j.name) && j.requires.stream().anyMatch(rerun::contains)) {
          rerun.add(j.name);
          grew = true;
        }
      }
    }
    List<JobSpec> kept = new ArrayList<>();
    for (JobSpec j : spec.jobs) {
      if (rerun.contains(j.name)) {
        j.requires = new ArrayList<>(j.requires.stream().filter(rerun::contains).toList());
        j.requiredStatuses = new LinkedHashMap<>(j.requiredStatuses);
        j.requiredStatuses.keySet().retainAll(rerun);
        kept.add(j);
      }
    }
    spec.jobs = kept;
    return spec;
  }
}
