package dev.circlet.gateway.archive;

import dev.circlet.gateway.archive.ArchiveViews.WorkflowView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status of a pipeline run as a person reads it: the run's own record until its Workflows
 * exist, then the state of its Workflows, where a rerun of a workflow stands for that workflow.
 */
public final class RunStatus {
  private RunStatus() {}

  /**
   * {@code running}, {@code on_hold}, {@code failed}, {@code canceled} or {@code success} from the
   * workflows (oldest first, so a later rerun of the same workflow wins); the run's record status
   * ({@code pending}, {@code invalid_config}, {@code filtered}, {@code failed}, {@code created},
   * {@code ended})
   * when no workflow is archived.
   */
  public static String of(String recordStatus, List<WorkflowView> workflows) {
    // An ended setup run (no continuation) reads as its setup workflows did.
    if (!("created".equals(recordStatus) || "ended".equals(recordStatus)) || workflows.isEmpty()) {
      return recordStatus;
    }
    Map<String, String> latest = new LinkedHashMap<>();
    for (WorkflowView w : workflows) {
      latest.put(w.workflow() == null ? w.name() : w.workflow(), w.phase());
    }
    var phases = latest.values();
    if (phases.contains("Running") || phases.contains("Pending")) {
      return "running";
    }
    if (phases.contains("OnHold")) {
      return "on_hold";
    }
    if (phases.contains("Failed")) {
      return "failed";
    }
    if (phases.contains("Canceled")) {
      return "canceled";
    }
    return "success";
  }
}
