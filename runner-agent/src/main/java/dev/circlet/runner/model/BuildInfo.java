package dev.circlet.runner.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What the built-in CIRCLE_* variables describe: the trigger, the build and its place in a workflow. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BuildInfo(
    String revision,
    String branch,
    String tag,
    String repositoryUrl,
    String actor,
    String prUrl,
    long buildNum,
    long previousBuildNum,
    String buildUrl,
    String workflowId,
    String workflowJobId,
    String workspaceId,
    int nodeIndex,
    int nodeTotal) {

  /** Project user/org from the repository URL ({@code git@host:org/repo.git} or {@code https://host/org/repo}). */
  public String projectUsername() {
    String[] parts = repoPath();
    return parts.length >= 2 ? parts[parts.length - 2] : "";
  }

  /** Repository name from the repository URL. */
  public String projectReponame() {
    String[] parts = repoPath();
    return parts.length >= 1 ? parts[parts.length - 1] : "";
  }

  private String[] repoPath() {
    if (repositoryUrl == null || repositoryUrl.isBlank()) {
      return new String[0];
    }
    String u = repositoryUrl.replaceFirst("\\.git$", "").replaceFirst("/+$", "");
    u = u.replaceFirst("^[a-z+]+://[^/]+/", "").replaceFirst("^[^@/]+@[^:]+:", "");
    return u.split("/");
  }
}
