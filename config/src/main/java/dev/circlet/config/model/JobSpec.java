package dev.circlet.config.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One compiled workflow job; its JSON form matches the operator's {@code JobSpec}. {@code type} is
 * build, approval or no-op; null fields mean the platform default (e.g. resource class medium).
 * {@code requiredStatuses} lists, for the {@code requires} entries that wait for something other
 * than success, the statuses they accept.
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
    String serialGroup,
    Map<String, List<String>> requiredStatuses,
    @JsonIgnore Map<String, Object> unsupported) {
  public JobSpec {
    unsupported = unsupported == null || unsupported.isEmpty() ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(unsupported));
    requires = List.copyOf(requires);
    requiredStatuses = requiredStatuses == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requiredStatuses));
    environment = environment == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    steps = List.copyOf(steps);
    contexts = List.copyOf(contexts);
  }

  /** A job without options Circlet cannot honour. */
  public JobSpec(String name, String type, List<String> requires, Executor executor, String resourceClass,
      String workingDirectory, String shell, Map<String, String> environment, Integer parallelism, List<Step> steps,
      List<String> contexts, String serialGroup, Map<String, List<String>> requiredStatuses) {
    this(name, type, requires, executor, resourceClass, workingDirectory, shell, environment, parallelism, steps,
        contexts, serialGroup, requiredStatuses, Map.of());
  }

  /** A job whose {@code requires} all wait for success. */
  public JobSpec(String name, String type, List<String> requires, Executor executor, String resourceClass,
      String workingDirectory, String shell, Map<String, String> environment, Integer parallelism, List<Step> steps,
      List<String> contexts, String serialGroup) {
    this(name, type, requires, executor, resourceClass, workingDirectory, shell, environment, parallelism, steps,
        contexts, serialGroup, Map.of());
  }

  public JobSpec withRequires(List<String> newRequires) {
    return withRequires(newRequires, requiredStatuses);
  }

  /**
   * @param statuses for the {@code requires} entries that wait for something other than success,
   *     the statuses they accept ({@link RequiredStatus})
   */
  public JobSpec withRequires(List<String> newRequires, Map<String, List<String>> statuses) {
    return new JobSpec(name, type, newRequires, executor, resourceClass, workingDirectory, shell,
        environment, parallelism, steps, contexts, serialGroup, statuses, unsupported);
  }

  /** This job with {@code extra} added to its environment (an entry of {@code extra} wins). */
  public JobSpec withEnvironment(Map<String, String> extra) {
    Map<String, String> env = new java.util.LinkedHashMap<>(environment);
    env.putAll(extra);
    return new JobSpec(name, type, requires, executor, resourceClass, workingDirectory, shell, env, parallelism,
        steps, contexts, serialGroup, requiredStatuses, unsupported);
  }

  /** The statuses the entry for {@code required} accepts; empty means success only. */
  public List<String> acceptedStatuses(String required) {
    return requiredStatuses.getOrDefault(required, List.of());
  }
}
