package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** Where a pipeline's code and config come from, and who pays for its builds. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PipelineSpec {
  @Required
  @JsonPropertyDescription("The repository.")
  public Repository repository;

  @JsonPropertyDescription("Inline CircleCI 2.1 config (YAML). When empty, configPath is read from the repository.")
  public String config;

  @JsonPropertyDescription("Path of the config in the repository. Default .circleci/config.yml.")
  public String configPath;

  @Required
  @JsonPropertyDescription("Organization (cluster-scoped) whose capacity the builds use.")
  public String organization;

  @JsonPropertyDescription("Resource class of jobs that name none. Default medium.")
  public String defaultResourceClass;

  @JsonPropertyDescription("Scheduled runs.")
  public List<Schedule> schedules = new ArrayList<>();

  public PipelineSpec() {}

  /** A repository and the Secrets that authenticate it. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static class Repository {
    @Required
    @JsonPropertyDescription("Clone URL.")
    public String url;

    @JsonPropertyDescription("github, gitlab or bitbucket.")
    public String provider;

    @JsonPropertyDescription("Secret holding the webhook secret (key 'secret').")
    public String webhookSecretRef;

    @JsonPropertyDescription("Secret holding clone credentials; mounted only into the runner agent.")
    public String cloneSecretRef;

    @JsonPropertyDescription("Secret holding the token that reports commit statuses to the provider (key 'token';"
        + " optional 'username' for Bitbucket app passwords, 'api-url' for a self-hosted API). None: no statuses.")
    public String statusSecretRef;

    @JsonPropertyDescription("Default branch. Default main.")
    public String defaultBranch;
  }

  /** A scheduled pipeline run. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static class Schedule {
    @Required
    @JsonPropertyDescription("Schedule name.")
    public String name;

    @Required
    @JsonPropertyDescription("Cron expression, UTC.")
    public String cron;

    @JsonPropertyDescription("Branch to build. Default the repository's default branch.")
    public String branch;
  }
}
