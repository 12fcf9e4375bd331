package dev.circlet.gateway.vcs;

import dev.circlet.api.v1alpha1.WorkflowPhase;

/**
 * One commit status to report: a workflow's state on one revision of one repository.
 *
 * @param provider github, gitlab or bitbucket
 * @param repositoryPath the repository's path on its host ({@code owner/repo}, a GitLab group path)
 * @param context the status's name on the commit ({@code circlet/<workflow>}); one per workflow
 */
public record CommitStatus(String provider, String host, String repositoryPath, String revision, State state,
    String context, String description, String targetUrl) {
  /** The states every provider has an equivalent of. */
  public enum State {
    PENDING, SUCCESS, FAILURE, CANCELED;

    /** The state a Workflow's phase reports; a Workflow without a phase yet is pending. */
    public static State of(WorkflowPhase phase) {
      if (phase == null) {
        return PENDING;
      }
      return switch (phase) {
        case Running, OnHold -> PENDING;
        case Succeeded -> SUCCESS;
        case Failed -> FAILURE;
        case Canceled -> CANCELED;
      };
    }
  }
}
