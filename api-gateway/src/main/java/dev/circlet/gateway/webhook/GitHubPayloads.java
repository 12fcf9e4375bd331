package dev.circlet.gateway.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/** Turns GitHub webhook payloads (push, pull_request, ping) into trigger events. No I/O. */
final class GitHubPayloads {
  private static final Set<String> PR_ACTIONS = Set.of("opened", "synchronize", "reopened");

  private GitHubPayloads() {}

  static ParsedWebhook parse(String event, byte[] body) {
    JsonNode root = Json.object(body);
    return switch (event) {
      case "ping" -> new ParsedWebhook.Ping();
      case "push" -> push(root);
      case "pull_request" -> pullRequest(root);
      default -> new ParsedWebhook.Ignored("GitHub event '" + event + "' does not start pipelines");
    };
  }

  private static ParsedWebhook push(JsonNode root) {
    String ref = Json.text(root, "ref");
    if (ref == null) {
      throw WebhookException.badRequest("a push payload needs 'ref'");
    }
    if (root.path("deleted").asBoolean(false) || Json.revision(Json.text(root, "after")) == null) {
      return new ParsedWebhook.Ignored("the push deleted " + ref);
    }
    String branch = null;
    String tag = null;
    if (ref.startsWith("refs/heads/")) {
      branch = ref.substring("refs/heads/".length());
    } else if (ref.startsWith("refs/tags/")) {
      tag = ref.substring("refs/tags/".length());
    } else {
      return new ParsedWebhook.Ignored("the push updated " + ref + ", neither a branch nor a tag");
    }
    JsonNode head = root.path("head_commit");
    String actor = Json.text(root, "sender", "login");
    return new ParsedWebhook.Events(List.of(new TriggerEvent(
        branch != null ? TriggerEvent.PUSH : TriggerEvent.TAG,
        repository(root),
        branch,
        tag,
        Json.text(root, "after"),
        Json.revision(Json.text(root, "before")),
        Json.subject(Json.text(head, "message")),
        Json.text(head, "author", "name"),
        Json.text(head, "author", "email"),
        actor != null ? actor : Json.text(root, "pusher", "name"),
        null,
        Json.body(Json.text(head, "message")),
        Json.text(head, "url"))));
  }

  private static ParsedWebhook pullRequest(JsonNode root) {
    String action = Json.text(root, "action");
    if (!PR_ACTIONS.contains(String.valueOf(action))) {
      return new ParsedWebhook.Ignored("pull request action '" + action + "' does not start pipelines");
    }
    JsonNode pr = Json.require(root, "pull_request");
    String revision = Json.text(pr, "head", "sha");
    String branch = Json.text(pr, "head", "ref");
    if (revision == null || branch == null) {
      throw WebhookException.badRequest("a pull_request payload needs pull_request.head.sha and .ref");
    }
    return new ParsedWebhook.Events(List.of(new TriggerEvent(
        TriggerEvent.PULL_REQUEST,
        repository(root),
        branch,
        null,
        revision,
        Json.text(pr, "base", "sha"),
        Json.subject(Json.text(pr, "title")),
        Json.text(pr, "user", "login"),
        null,
        Json.text(root, "sender", "login"),
        Json.integer(pr, "number"))));
  }

  private static List<String> repository(JsonNode root) {
    JsonNode repo = Json.require(root, "repository");
    List<String> urls = Json.present(Json.text(repo, "clone_url"), Json.text(repo, "ssh_url"),
        Json.text(repo, "html_url"), Json.text(repo, "git_url"));
    if (urls.isEmpty()) {
      throw WebhookException.badRequest("the payload's repository has no URL");
    }
    return urls;
  }
}
