package dev.circlet.runner.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/** One compiled step as the agent runs it; field names match api's Step JSON. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepDef(
    String type,
    String name,
    String command,
    String shell,
    Map<String, String> environment,
    Boolean background,
    String workingDirectory,
    String noOutputTimeout,
    String when,
    String key,
    List<String> keys,
    List<String> paths,
    String path,
    String destination,
    String root,
    String at,
    String method,
    List<String> fingerprints) {

  public StepDef {
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    keys = keys == null ? List.of() : List.copyOf(keys);
    paths = paths == null ? List.of() : List.copyOf(paths);
    fingerprints = fingerprints == null ? List.of() : List.copyOf(fingerprints);
  }

  /** A plain {@code run} step. */
  public static StepDef run(String name, String command) {
    return new StepDef("run", name, command, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null);
  }

  public boolean isBackground() {
    return Boolean.TRUE.equals(background);
  }

  /**
   * on_success, on_fail or always. Results of a failed build matter most, so store_test_results
   * and store_artifacts default to always, as on CircleCI; every other step to on_success.
   */
  public String whenOrDefault() {
    if (when != null && !when.isBlank()) {
      return when;
    }
    return "store_test_results".equals(type) || "store_artifacts".equals(type) ? "always" : "on_success";
  }

  /** The name shown in logs and summaries. */
  public String displayName() {
    if (name != null && !name.isBlank()) {
      return name;
    }
    if (("run".equals(type) || "deploy".equals(type)) && command != null) {
      String first = command.strip().lines().findFirst().orElse("");
      return first.length() > 60 ? first.substring(0, 60) + "…" : first;
    }
    return switch (type == null ? "" : type) {
      case "checkout" -> "Checkout code";
      case "save_cache" -> "Saving cache";
      case "restore_cache" -> "Restoring cache";
      case "persist_to_workspace" -> "Persisting to workspace";
      case "attach_workspace" -> "Attaching workspace";
      case "store_artifacts" -> "Uploading artifacts";
      case "store_test_results" -> "Uploading test results";
      case "add_ssh_keys" -> "Installing SSH keys";
      case "setup_remote_docker" -> "Setup remote docker";
      default -> String.valueOf(type);
    };
  }
}
