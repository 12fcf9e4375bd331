package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What started a pipeline: a push, a tag, a schedule or an API call. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Trigger {
  @JsonPropertyDescription("Commit SHA being built.")
  public String revision;

  @JsonPropertyDescription("Branch pushed, if any.")
  public String branch;

  @JsonPropertyDescription("Tag pushed, if any.")
  public String tag;

  @JsonPropertyDescription("User who caused the run.")
  public String actor;

  @JsonPropertyDescription("webhook, api, scheduled_pipeline.")
  public String source;

  @JsonPropertyDescription("VCS delivery id of the webhook that started this run.")
  public String deliveryId;

  @JsonPropertyDescription("Clone URL of the repository.")
  public String repositoryUrl;

  public Trigger() {}
}
