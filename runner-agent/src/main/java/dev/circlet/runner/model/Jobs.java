package dev.circlet.runner.model;

import dev.circlet.config.model.ContainerImage;
import dev.circlet.config.model.JobSpec;
import java.util.Map;

/** How the agent reads a compiled {@link JobSpec}: the platform's defaults for absent fields. */
public final class Jobs {
  private Jobs() {}

  /** build, approval or no-op; default build. */
  public static String type(JobSpec job) {
    return job.type() == null ? "build" : job.type();
  }

  public static int parallelismOrOne(JobSpec job) {
    return job.parallelism() == null || job.parallelism() < 1 ? 1 : job.parallelism();
  }

  /** Working directory as written, default {@code ~/project}. */
  public static String workingDirectoryOrDefault(JobSpec job) {
    return job.workingDirectory() == null || job.workingDirectory().isBlank() ? "~/project" : job.workingDirectory();
  }

  /** docker, machine or macos; default docker. Null when the job has no executor. */
  public static String executorKind(JobSpec job) {
    if (job.executor() == null) {
      return null;
    }
    return job.executor().kind() == null ? "docker" : job.executor().kind();
  }

  /** The environment of the executor's primary image, empty when there is none. */
  public static Map<String, String> primaryImageEnvironment(JobSpec job) {
    if (job.executor() == null || job.executor().images().isEmpty()) {
      return Map.of();
    }
    ContainerImage primary = job.executor().images().get(0);
    return primary.environment() == null ? Map.of() : primary.environment();
  }
}
