package dev.circlet.config.model;

import java.util.List;

/** A legacy {@code triggers: - schedule:} of a workflow: a UTC cron and the branches it runs on. */
public record Schedule(String workflow, String cron, List<String> onlyBranches, List<String> ignoreBranches) {
  public Schedule {
    onlyBranches = List.copyOf(onlyBranches);
    ignoreBranches = List.copyOf(ignoreBranches);
  }
}
