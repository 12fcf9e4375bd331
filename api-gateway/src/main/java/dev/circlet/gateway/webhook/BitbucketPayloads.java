package dev.circlet.gateway.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns Bitbucket Cloud webhook payloads (repo:push, pull request created/updated) into trigger events. No I/O. */
final class BitbucketPayloads {
  private static final Pattern AUTHOR = Pattern.compile("^(.*?)\\s*<([^>]*)>$");

  private BitbucketPayloads() {}

  static ParsedWebhook parse(String event, byte[] body) {
    JsonNode root = Json.object(body);
    return switch (event) {
      case "diagnostics:ping" -> new ParsedWebhook.Ping();
      case "repo:push" -> push(root);
      case "pullrequest:created", "pullrequest:updated" -> pullRequest(root);
      default -> new ParsedWebhook.Ignored("Bitbucket event '" + event + "' does not start pipelines");
    };
  }

  private static ParsedWebhook push(JsonNode root) {
    List<String> repo = repository(root);
    JsonNode changes = root.path("push").path("changes");
    if (!changes.isArray()) {
      throw WebhookException.badRequest("a repo:push payload needs push.changes");
    }
    String actor = actor(root);
    List<TriggerEvent> events = new ArrayList<>();
    for (JsonNode change : changes) {
      JsonNode now = change.path("new");
      if (!now.isObject()) {
        continue; // a deleted branch or tag
      }
      String type = Json.text(now, "type");
      String name = Json.text(now, "name");
      String hash = Json.text(now, "target", "hash");
      if (name == null || hash == null) {
        throw WebhookException.badRequest("a push change needs new.name and new.target.hash");
      }
      boolean branch = "branch".equals(type) || "named_branch".equals(type);
      if (!branch && !"tag".equals(type) && !"annotated_tag".equals(type)) {
        continue;
      }
      String[] author = author(Json.text(now, "target", "author", "raw"));
      events.add(new TriggerEvent(branch ? TriggerEvent.PUSH : TriggerEvent.TAG, repo,
          branch ? name : null, branch ? null : name, hash, Json.text(change, "old", "target", "hash"),
          Json.subject(Json.text(now, "target", "message")), author[0], author[1], actor, null,
          Json.body(Json.text(now, "target", "message")), Json.text(now, "target", "links", "html", "href")));
    }
    if (events.isEmpty()) {
      return new ParsedWebhook.Ignored("the push created no branch or tag revision");
    }
    return new ParsedWebhook.Events(events);
  }

  private static ParsedWebhook pullRequest(JsonNode root) {
    JsonNode pr = Json.require(root, "pullrequest");
    String revision = Json.text(pr, "source", "commit", "hash");
    String branch = Json.text(pr, "source", "branch", "name");
    if (revision == null || branch == null) {
      throw WebhookException.badRequest("a pull request payload needs source.commit.hash and source.branch.name");
    }
    return new ParsedWebhook.Events(List.of(new TriggerEvent(TriggerEvent.PULL_REQUEST, repository(root), branch,
        null, revision, Json.text(pr, "destination", "commit", "hash"), Json.subject(Json.text(pr, "title")),
        Json.text(pr, "author", "display_name"), null, actor(root), Json.integer(pr, "id"))));
  }

  private static String actor(JsonNode root) {
    String nick = Json.text(root, "actor", "nickname");
    return nick != null ? nick : Json.text(root, "actor", "display_name");
  }

  private static String[] author(String raw) {
    if (raw == null) {
      return new String[2];
    }
    Matcher m = AUTHOR.matcher(raw.strip());
    return m.matches() ? new String[] {m.group(1), m.group(2)} : new String[] {raw.strip(), null};
  }

  private static List<String> repository(JsonNode root) {
    JsonNode repo = Json.require(root, "repository");
    String fullName = Json.text(repo, "full_name");
    List<String> urls = Json.present(fullName == null ? null : "https://bitbucket.org/" + fullName + ".git",
        Json.text(repo, "links", "html", "href"));
    if (urls.isEmpty()) {
      throw WebhookException.badRequest("the payload's repository has no full_name or link");
    }
    return urls;
  }
}
