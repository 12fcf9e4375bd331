package dev.circlet.config;

import dev.circlet.config.model.CompiledConfig;
import dev.circlet.config.model.CompiledWorkflow;
import dev.circlet.config.model.Schedule;
import java.util.List;

/**
 * The outcome of compiling a config for one trigger: the workflows that run, the names of all
 * workflows defined, legacy schedules, and diagnostics. Do not run anything when {@link #ok()} is false.
 */
public record CompileResult(
    List<Diagnostic> errors,
    List<Diagnostic> warnings,
    List<CompiledWorkflow> workflows,
    List<String> workflowNames,
    List<Schedule> schedules) {
  public CompileResult {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    workflows = List.copyOf(workflows);
    workflowNames = List.copyOf(workflowNames);
    schedules = List.copyOf(schedules);
  }

  public boolean ok() {
    return errors.isEmpty();
  }

  public CompiledWorkflow workflow(String name) {
    return workflows.stream().filter(w -> w.name().equals(name)).findFirst().orElse(null);
  }

  /** The selected workflows with warnings in {@code FILE:LINE:COL: warning: ...} form. */
  public CompiledConfig config() {
    return new CompiledConfig(workflows, warnings.stream().map(Diagnostic::format).toList());
  }
}
