package dev.circlet.runner.env;

import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import dev.circlet.runner.model.BuildInfo;
import dev.circlet.runner.model.Jobs;
import dev.circlet.runner.model.Steps;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Computes a step's environment with CircleCI's precedence (lowest first): project settings and
 * contexts (the secrets), built-ins, the executor's primary image and the job, the step. The
 * shell's own exports and {@code $BASH_ENV} win over all of it at run time.
 */
public final class JobEnvironment {
  private final Map<String, String> jobLevel;

  /**
   * @param secrets project-setting and context values (masked in output)
   * @param builtIns the CIRCLE_* and related variables
   * @param job the job, whose primary image environment and own environment apply
   */
  public JobEnvironment(Map<String, String> secrets, Map<String, String> builtIns, JobSpec job) {
    Map<String, String> m = new LinkedHashMap<>(secrets);
    m.putAll(builtIns);
    m.putAll(Jobs.primaryImageEnvironment(job));
    m.putAll(job.environment());
    jobLevel = Map.copyOf(m);
  }

  /** The environment of one step. */
  public Map<String, String> forStep(Step step) {
    Map<String, String> m = new LinkedHashMap<>(jobLevel);
    m.putAll(Steps.environment(step));
    return m;
  }

  public Map<String, String> jobLevel() {
    return jobLevel;
  }

  /**
   * The built-in variables.
   *
   * @param workingDirectory the job's working directory as the step sees it (absolute)
   * @param home the job's HOME
   * @param bashEnv the file sourced before each step
   * @param artifactsDir legacy CIRCLE_ARTIFACTS directory
   * @param testReportsDir legacy CIRCLE_TEST_REPORTS directory
   */
  public static Map<String, String> builtIns(
      BuildInfo b, JobSpec job, String workingDirectory, String home, String bashEnv,
      String artifactsDir, String testReportsDir) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("CI", "true");
    m.put("CIRCLECI", "true");
    putIf(m, "CIRCLE_BRANCH", b.branch());
    putIf(m, "CIRCLE_TAG", b.tag());
    putIf(m, "CIRCLE_SHA1", b.revision());
    m.put("CIRCLE_BUILD_NUM", Long.toString(b.buildNum()));
    if (b.previousBuildNum() > 0) {
      m.put("CIRCLE_PREVIOUS_BUILD_NUM", Long.toString(b.previousBuildNum()));
    }
    putIf(m, "CIRCLE_BUILD_URL", b.buildUrl());
    m.put("CIRCLE_JOB", job.name());
    m.put("CIRCLE_NODE_INDEX", Integer.toString(b.nodeIndex()));
    m.put("CIRCLE_NODE_TOTAL", Integer.toString(b.nodeTotal()));
    putIf(m, "CIRCLE_REPOSITORY_URL", b.repositoryUrl());
    putIf(m, "CIRCLE_PROJECT_USERNAME", b.projectUsername());
    putIf(m, "CIRCLE_PROJECT_REPONAME", b.projectReponame());
    putIf(m, "CIRCLE_USERNAME", b.actor());
    if (b.prUrl() != null && !b.prUrl().isBlank()) {
      String pr = b.prUrl();
      m.put("CIRCLE_PULL_REQUEST", pr);
      m.put("CIRCLE_PULL_REQUESTS", pr);
      m.put("CI_PULL_REQUEST", pr);
      m.put("CI_PULL_REQUESTS", pr);
      m.put("CIRCLE_PR_NUMBER", pr.replaceFirst(".*/", ""));
    }
    putIf(m, "CIRCLE_WORKFLOW_ID", b.workflowId());
    putIf(m, "CIRCLE_WORKFLOW_JOB_ID", b.workflowJobId());
    putIf(m, "CIRCLE_WORKFLOW_WORKSPACE_ID", b.workspaceId());
    m.put("CIRCLE_WORKING_DIRECTORY", workingDirectory);
    m.put("CIRCLE_ARTIFACTS", artifactsDir);
    m.put("CIRCLE_TEST_REPORTS", testReportsDir);
    m.put("BASH_ENV", bashEnv);
    m.put("HOME", home);
    return m;
  }

  private static void putIf(Map<String, String> m, String k, String v) {
    if (v != null && !v.isBlank()) {
      m.put(k, v);
    }
  }

  /** {@code export K='v'} lines a POSIX shell can source; names that are not identifiers are skipped. */
  public static String toShellExports(Map<String, String> env) {
    StringBuilder sb = new StringBuilder();
    for (var e : env.entrySet()) {
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        continue;
      }
      sb.append("export ").append(e.getKey()).append("='")
          .append(e.getValue().replace("'", "'\\''")).append("'\n");
    }
    return sb.toString();
  }
}
