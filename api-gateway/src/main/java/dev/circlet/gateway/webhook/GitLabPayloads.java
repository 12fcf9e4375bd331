package dev.circlet.gateway.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Turns GitLab webhook payloads (push, tag push, merge request) into trigger events. No I/O. */
final class GitLabPayloads {
  private GitLabPayloads() {}

  static ParsedWebhook parse(String event, byte[] body) {
    JsonNode root = Json.object(body);
    return switch (event) {
      case "Push Hook", "Tag Push Hook" -> push(root);
      case "Merge Request Hook" -> mergeRequest(root);
      default -> new ParsedWebhook.Ignored("GitLab event '" + event + "' does not start pipelines");
    };
  }

  private static ParsedWebhook push(JsonNode root) {
    String ref = Json.text(root, "ref");
    if (ref == null) {
      throw WebhookException.badRequest("a push payload needs 'ref'");
    }
    String after = Json.revision(Json.text(root, "checkout_sha"));
    if (after == null) {
      after = Json.revision(Json.text(root, "after"));
    }
    if (after == null) {
      return new ParsedWebhook.Ignored("the push deleted " + ref);
    }
    String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : null;
    String tag = ref.startsWith("refs/tags/") ? ref.substring("refs/tags/".length()) : null;
    if (branch == null && tag == null) {
      return new ParsedWebhook.Ignored("the push updated " + ref + ", neither a branch nor a tag");
    }
    JsonNode commit = null;
    for (JsonNode c : root.path("commits")) {
      if (after.equals(Json.text(c, "id"))) {
        commit = c;
      }
    }
    return new ParsedWebhook.Events(List.of(new TriggerEvent(
        branch != null ? TriggerEvent.PUSH : TriggerEvent.TAG,
        project(root),
        branch,
        tag,
        after,
        Json.revision(Json.text(root, "before")),
        commit == null ? null : Json.subject(Json.text(commit, "message")),
        commit == null ? null : Json.text(commit, "author", "name"),
        commit == null ? null : Json.text(commit, "author", "email"),
        Json.text(root, "user_username"),
        null,
        commit == null ? null : Json.body(Json.text(commit, "message")),
        commit == null ? null : Json.text(commit, "url"))));
  }

  private static ParsedWebhook mergeRequest(JsonNode root) {
    JsonNode mr = Json.require(root, "object_attributes");
    String action = Json.text(mr, "action");
    boolean newCommits = "update".equals(action) && Json.text(mr, "oldrev") != null;
    if (!"open".equals(action) && !"reopen".equals(action) && !newCommits) {
      return new ParsedWebhook.Ignored("merge request action '" + action + "' does not start pipelines");
    }
    String revision = Json.text(mr, "last_commit", "id");
    String branch = Json.text(mr, "source_branch");
    if (revision == null || branch == null) {
      throw WebhookException.badRequest("a merge request payload needs last_commit.id and source_branch");
    }
    return new ParsedWebhook.Events(List.of(new TriggerEvent(
        TriggerEvent.PULL_REQUEST,
        project(root),
        branch,
        null,
        revision,
        Json.text(mr, "oldrev"),
        Json.subject(Json.text(mr, "title")),
        Json.text(mr, "last_commit", "author", "name"),
        Json.text(mr, "last_commit", "author", "email"),
        Json.text(root, "user", "username"),
        Json.integer(mr, "iid"),
        Json.body(Json.text(mr, "last_commit", "message")),
        Json.text(mr, "last_commit", "url"))));
  }

  private static List<String> project(JsonNode root) {
    JsonNode p = Json.require(root, "project");
    List<String> urls = Json.present(Json.text(p, "git_http_url"), Json.text(p, "git_ssh_url"), Json.text(p, "web_url"));
    if (urls.isEmpty()) {
      throw WebhookException.badRequest("the payload's project has no URL");
    }
    return urls;
  }
}
