package dev.circlet.runner.model;

import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import java.util.List;
import java.util.Map;

/** How the agent reads a compiled {@link Step}: CircleCI's defaults for absent fields and the names shown in logs. */
public final class Steps {
  private Steps() {}

  public static boolean isBackground(Step step) {
    return Boolean.TRUE.equals(step.background());
  }

  /**
   * on_success, on_fail or always. Results of a failed build matter most, so store_test_results
   * and store_artifacts default to always, as on CircleCI; every other step to on_success.
   */
  public static String whenOrDefault(Step step) {
    if (step.when() != null && !step.when().isBlank()) {
      return step.when();
    }
    return "store_test_results".equals(step.type()) || "store_artifacts".equals(step.type()) ? "always" : "on_success";
  }

  /** The name shown in logs and summaries. */
  public static String displayName(Step step) {
    if (step.name() != null && !step.name().isBlank()) {
      return step.name();
    }
    String type = step.type();
    if (("run".equals(type) || "deploy".equals(type)) && step.command() != null) {
      String first = step.command().strip().lines().findFirst().orElse("");
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

  /** The step's shell, else the job's; an empty one counts as unset. */
  public static String shell(Step step, JobSpec job) {
    return step.shell() != null && !step.shell().isEmpty() ? step.shell() : job.shell();
  }

  public static Map<String, String> environment(Step step) {
    return step.environment() == null ? Map.of() : step.environment();
  }

  public static List<String> keys(Step step) {
    return step.keys() == null ? List.of() : step.keys();
  }

  public static List<String> paths(Step step) {
    return step.paths() == null ? List.of() : step.paths();
  }

  public static List<String> fingerprints(Step step) {
    return step.fingerprints() == null ? List.of() : step.fingerprints();
  }
}
