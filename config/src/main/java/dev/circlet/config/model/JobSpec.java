package dev.circlet.config.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One compiled workflow job; its JSON form matches the operator's {@code JobSpec}. {@code type} is
 * build, approval or no-op; null fields mean the platform default (e.g. resource class medium).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record JobSpec(
    String name,
    String type,
    List<String> requires,
    Executor executor,
    String resourceClass,
    String workingDirectory,
    String shell,
    Map<String, String> environment,
    Integer parallelism,
    List<Step> steps,
    List<String> contexts,
    String serialGroup) {
  public JobSpec {
    requires = List.copyOf(requires);
    environment = environment == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    steps = List.copyOf(steps);
    contexts = List.copyOf(contexts);
  }

  public JobSpec withRequires(List<String> newRequires) {
    return new JobSpec(name, type, newRequires, executor, resourceClass, workingDirectory, shell,
        environment, parallelism, steps, contexts, serialGroup);
  }
}
