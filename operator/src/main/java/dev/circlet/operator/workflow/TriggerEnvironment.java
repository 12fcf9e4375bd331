package dev.circlet.operator.workflow;

import dev.circlet.api.v1alpha1.Trigger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a Workflow's trigger into the CIRCLE_* values a Build exposes to its job, and those into the agent's trigger. */
public final class TriggerEnvironment {
  // https://host/owner/repo(.git), ssh://git@host/owner/repo.git, git@host:owner/repo.git
  private static final Pattern REPO = Pattern.compile("[:/]([^/:]+)/([^/]+?)(?:\\.git)?/?$");

  private TriggerEnvironment() {}

  /** CIRCLE_* values known from the trigger; keys are absent when the trigger lacks the value. */
  public static Map<String, String> of(Trigger trigger, String workflowUid) {
    Map<String, String> env = new LinkedHashMap<>();
    if (trigger != null) {
      put(env, "CIRCLE_SHA1", trigger.revision);
      put(env, "CIRCLE_BRANCH", trigger.branch);
      put(env, "CIRCLE_TAG", trigger.tag);
      put(env, "CIRCLE_USERNAME", trigger.actor);
      put(env, "CIRCLE_REPOSITORY_URL", trigger.repositoryUrl);
      if (trigger.repositoryUrl != null) {
        Matcher m = REPO.matcher(trigger.repositoryUrl);
        if (m.find()) {
          env.put("CIRCLE_PROJECT_USERNAME", m.group(1));
          env.put("CIRCLE_PROJECT_REPONAME", m.group(2));
        }
      }
    }
    put(env, "CIRCLE_WORKFLOW_ID", workflowUid);
    return env;
  }

  /**
   * The trigger in the shape the agent's job.json reads ({@code revision}, {@code branch},
   * {@code tag}, {@code actor}, {@code repositoryUrl}), from a Build's CIRCLE_* values.
   */
  public static Map<String, String> agentTrigger(Map<String, String> env) {
    Map<String, String> t = new LinkedHashMap<>();
    if (env != null) {
      put(t, "revision", env.get("CIRCLE_SHA1"));
      put(t, "branch", env.get("CIRCLE_BRANCH"));
      put(t, "tag", env.get("CIRCLE_TAG"));
      put(t, "actor", env.get("CIRCLE_USERNAME"));
      put(t, "repositoryUrl", env.get("CIRCLE_REPOSITORY_URL"));
    }
    return t;
  }

  /** The Workflow's id (CIRCLE_WORKFLOW_ID) among a Build's trigger values, or null. */
  public static String workflowId(Map<String, String> env) {
    return env == null ? null : env.get("CIRCLE_WORKFLOW_ID");
  }

  private static void put(Map<String, String> env, String key, String value) {
    if (value != null && !value.isEmpty()) {
      env.put(key, value);
    }
  }
}
