package dev.circlet.config.model;

import java.util.List;

/** The workflows that run for one trigger, plus compile warnings as {@code FILE:LINE:COL: warning: ...}. */
public record CompiledConfig(List<CompiledWorkflow> workflows, List<String> warnings) {
  public CompiledConfig {
    workflows = List.copyOf(workflows);
    warnings = List.copyOf(warnings);
  }

  public CompiledWorkflow workflow(String name) {
    return workflows.stream().filter(w -> w.name().equals(name)).findFirst().orElse(null);
  }
}
