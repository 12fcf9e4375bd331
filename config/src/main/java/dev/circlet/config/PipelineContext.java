package dev.circlet.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trigger a config is compiled for: pipeline values ({@code << pipeline.* >>}) and the
 * pipeline parameters given by the caller. Values not set are empty strings, as on CircleCI.
 */
public record PipelineContext(Map<String, Object> values, Map<String, Object> parameters) {
  public PipelineContext {
    values = Map.copyOf(values);
    parameters = Map.copyOf(parameters);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A push of {@code branch} with no other values. */
  public static PipelineContext branch(String branch) {
    return builder().branch(branch).build();
  }

  public static PipelineContext tag(String tag) {
    return builder().tag(tag).build();
  }

  /** The same context with one pipeline value changed. */
  public PipelineContext with(String key, Object value) {
    Map<String, Object> changed = new LinkedHashMap<>(values);
    changed.put(key, value);
    return new PipelineContext(changed, parameters);
  }

  /** The value of {@code pipeline.<key>}, or null if the key is not a pipeline value. */
  public Object value(String key) {
    return values.get(key);
  }

  public String branch() {
    return String.valueOf(values.getOrDefault("git.branch", ""));
  }

  public String tag() {
    return String.valueOf(values.getOrDefault("git.tag", ""));
  }

  public String triggerSource() {
    return String.valueOf(values.getOrDefault("trigger_source", ""));
  }

  public String scheduleName() {
    return String.valueOf(values.getOrDefault("schedule.name", ""));
  }

  /** The cron of the schedule that fired, when the trigger names one by its cron instead of its name. */
  public String scheduleCron() {
    return String.valueOf(values.getOrDefault("schedule.cron", ""));
  }

  /** Builds a context; every documented pipeline value starts as its empty default. */
  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();

    private Builder() {
      for (String k :
          new String[] {
            "id", "project.git_url", "project.type", "project.slug", "git.tag", "git.branch",
            "git.revision", "git.base_revision", "git.commit.subject", "git.commit.body",
            "git.commit.author_name", "git.commit.author_email", "git.commit.author_login",
            "git.commit.url", "schedule.name", "schedule.id"
          }) {
        values.put(k, "");
      }
      values.put("number", 0L);
      values.put("git.branch.is_default", false);
      values.put("in_setup", false);
      values.put("trigger_source", "webhook");
    }

    /** Sets any pipeline value by its key without the {@code pipeline.} prefix. */
    public Builder value(String key, Object value) {
      values.put(key, value);
      return this;
    }

    public Builder id(String id) {
      return value("id", id);
    }

    public Builder number(long number) {
      return value("number", number);
    }

    public Builder branch(String branch) {
      return value("git.branch", branch);
    }

    public Builder defaultBranch(boolean isDefault) {
      return value("git.branch.is_default", isDefault);
    }

    public Builder tag(String tag) {
      return value("git.tag", tag);
    }

    public Builder revision(String revision) {
      return value("git.revision", revision);
    }

    public Builder projectSlug(String slug) {
      return value("project.slug", slug);
    }

    public Builder projectUrl(String url) {
      return value("project.git_url", url);
    }

    public Builder triggerSource(String source) {
      return value("trigger_source", source);
    }

    public Builder schedule(String name) {
      return value("schedule.name", name);
    }

    /** A scheduled trigger identified by its cron: the legacy workflow schedules with that cron fire. */
    public Builder cron(String cron) {
      return value("schedule.cron", cron);
    }

    /** A pipeline parameter; strings are converted to the declared type when compiled. */
    public Builder parameter(String name, Object value) {
      parameters.put(name, value);
      return this;
    }

    public Builder parameters(Map<String, ?> given) {
      parameters.putAll(given);
      return this;
    }

    public PipelineContext build() {
      return new PipelineContext(values, parameters);
    }
  }
}
