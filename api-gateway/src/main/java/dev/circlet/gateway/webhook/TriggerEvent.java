package dev.circlet.gateway.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What one VCS event asks Circlet to build: the repository (every URL the VCS names it by), the
 * ref and revision, and the commit and actor details that fill {@code pipeline.git.*}.
 *
 * @param kind push (a branch), tag or pull_request
 * @param repositoryUrls clone, SSH and web URLs of the repository, as the VCS sent them
 * @param pullRequest the pull or merge request number, for pull_request events
 * @param commitBody the commit message after its subject line, when the VCS sent the message
 * @param commitUrl the commit's page on the VCS, when the VCS sent it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerEvent(
    String kind,
    List<String> repositoryUrls,
    String branch,
    String tag,
    String revision,
    String baseRevision,
    String commitSubject,
    String commitAuthorName,
    String commitAuthorEmail,
    String actor,
    Integer pullRequest,
    String commitBody,
    String commitUrl) {
  public static final String PUSH = "push";
  public static final String TAG = "tag";
  public static final String PULL_REQUEST = "pull_request";

  public TriggerEvent {
    repositoryUrls = repositoryUrls == null ? List.of() : List.copyOf(repositoryUrls);
  }

  /** An event without the commit's body and web URL (API triggers, schedules). */
  public TriggerEvent(String kind, List<String> repositoryUrls, String branch, String tag, String revision,
      String baseRevision, String commitSubject, String commitAuthorName, String commitAuthorEmail, String actor,
      Integer pullRequest) {
    this(kind, repositoryUrls, branch, tag, revision, baseRevision, commitSubject, commitAuthorName,
        commitAuthorEmail, actor, pullRequest, null, null);
  }
}
