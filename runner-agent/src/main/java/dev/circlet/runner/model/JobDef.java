package dev.circlet.runner.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/** One compiled job as the agent runs it; field names match api's JobSpec JSON. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobDef(
    String name,
    String type,
    List<String> requires,
    ExecutorDef executor,
    String resourceClass,
    String workingDirectory,
    String shell,
    Map<String, String> environment,
    Integer parallelism,
    List<StepDef> steps) {

  public JobDef {
    type = type == null ? "build" : type;
    requires = requires == null ? List.of() : List.copyOf(requires);
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /** A docker job with the given steps, for tests and examples. */
  public static JobDef of(String name, List<String> requires, List<StepDef> steps) {
    return new JobDef(name, "build", requires, null, null, null, null, Map.of(), 1, steps);
  }

  public int parallelismOrOne() {
    return parallelism == null || parallelism < 1 ? 1 : parallelism;
  }

  /** Working directory as written, default {@code ~/project}. */
  public String workingDirectoryOrDefault() {
    return workingDirectory == null || workingDirectory.isBlank() ? "~/project" : workingDirectory;
  }
}
