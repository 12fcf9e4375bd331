package dev.circlet.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookIntakeTest {
  static final byte[] OLD = "old-secret".getBytes(StandardCharsets.UTF_8);
  static final byte[] NEW = "new-secret".getBytes(StandardCharsets.UTF_8);
  static final List<byte[]> SECRETS = List.of(OLD, NEW);
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String BEFORE = "89abcdef0123456789abcdef0123456789abcdef";

  static String githubPush(String ref) {
    return """
        {"ref":"%s","before":"%s","after":"%s","deleted":false,
         "head_commit":{"message":"Fix the build\\n\\nlonger body\\n","url":"https://github.com/acme/app/commit/1","author":{"name":"Ada","email":"ada@example.com"}},
         "pusher":{"name":"ada"},"sender":{"login":"ada-l"},
         "repository":{"clone_url":"https://github.com/acme/app.git","ssh_url":"git@github.com:acme/app.git",
           "html_url":"https://github.com/acme/app"}}""".formatted(ref, BEFORE, SHA);
  }

  static final String GITHUB_PR = """
      {"action":"%s","number":7,"sender":{"login":"bob"},
       "pull_request":{"number":7,"title":"Add a feature","user":{"login":"bob"},
         "head":{"ref":"feature/x","sha":"%s"},"base":{"ref":"main","sha":"%s"}},
       "repository":{"clone_url":"https://github.com/acme/app.git"}}""";

  static final String GITLAB_PUSH = """
      {"object_kind":"push","ref":"refs/heads/main","before":"%s","after":"%s","checkout_sha":"%s",
       "user_username":"carol","commits":[{"id":"%s","message":"Ship it","author":{"name":"Carol","email":"c@example.com"}}],
       "project":{"git_http_url":"https://gitlab.com/acme/app.git","git_ssh_url":"git@gitlab.com:acme/app.git"}}"""
      .formatted(BEFORE, SHA, SHA, SHA);

  static final String GITLAB_MR = """
      {"object_kind":"merge_request","user":{"username":"dan"},
       "object_attributes":{"iid":12,"action":"%s","source_branch":"topic","title":"MR title","oldrev":%s,
         "last_commit":{"id":"%s","author":{"name":"Dan","email":"d@example.com"}}},
       "project":{"git_http_url":"https://gitlab.com/acme/app.git"}}""";

  static final String BITBUCKET_PUSH = """
      {"actor":{"nickname":"erin"},"repository":{"full_name":"acme/app","links":{"html":{"href":"https://bitbucket.org/acme/app"}}},
       "push":{"changes":[
         {"new":{"type":"branch","name":"main","target":{"hash":"%s","message":"Bump\\n","author":{"raw":"Erin <e@example.com>"}}},
          "old":{"target":{"hash":"%s"}}},
         {"new":null,"old":{"type":"branch","name":"gone","target":{"hash":"%s"}}},
         {"new":{"type":"tag","name":"v1.0","target":{"hash":"%s"}}}]}}""".formatted(SHA, BEFORE, BEFORE, SHA);

  static final String BITBUCKET_PR = """
      {"actor":{"display_name":"Fay"},"repository":{"full_name":"acme/app"},
       "pullrequest":{"id":3,"title":"PR","author":{"display_name":"Fay"},
         "source":{"branch":{"name":"fix"},"commit":{"hash":"%s"}},"destination":{"commit":{"hash":"%s"}}}}"""
      .formatted(SHA, BEFORE);

  static Map<String, String> headers(String... kv) {
    Map<String, String> h = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      h.put(kv[i], kv[i + 1]);
    }
    return h;
  }

  static Map<String, String> github(String event, String body, byte[] secret) {
    return headers("x-github-event", event, "x-github-delivery", "d-1",
        "x-hub-signature-256", WebhookSignatures.sign(secret, body.getBytes(StandardCharsets.UTF_8)));
  }

  static Map<String, String> bitbucket(String event, String body, byte[] secret) {
    return headers("x-event-key", event, "x-request-uuid", "{b-1}",
        "x-hub-signature", WebhookSignatures.sign(secret, body.getBytes(StandardCharsets.UTF_8)));
  }

  static Map<String, String> gitlab(String event, String token) {
    return headers("x-gitlab-event", event, "idempotency-key", "g-1", "x-gitlab-token", token);
  }

  static Stream<Arguments> rejections() {
    String push = githubPush("refs/heads/main");
    Map<String, String> noEvent = github("push", push, OLD);
    noEvent.remove("x-github-event");
    Map<String, String> noDelivery = github("push", push, OLD);
    noDelivery.remove("x-github-delivery");
    Map<String, String> noSignature = github("push", push, OLD);
    noSignature.remove("x-hub-signature-256");
    Map<String, String> badDelivery = github("push", push, OLD);
    badDelivery.put("x-github-delivery", "a b");
    Map<String, String> sha1 = github("push", push, OLD);
    sha1.put("x-hub-signature-256", "sha1=abcdef");
    Map<String, String> notHex = github("push", push, OLD);
    notHex.put("x-hub-signature-256", "sha256=zz");
    Map<String, String> gitlabNoId = gitlab("Push Hook", "old-secret");
    gitlabNoId.remove("idempotency-key");
    Map<String, String> gitlabUuid = gitlab("Push Hook", "old-secret");
    gitlabUuid.remove("idempotency-key");
    gitlabUuid.put("x-gitlab-event-uuid", "uuid-1");
    return Stream.of(
        Arguments.of("github: missing event", Provider.GITHUB, noEvent, push, 400),
        Arguments.of("github: missing delivery", Provider.GITHUB, noDelivery, push, 400),
        Arguments.of("github: missing signature", Provider.GITHUB, noSignature, push, 400),
        Arguments.of("github: delivery id with a space", Provider.GITHUB, badDelivery, push, 400),
        Arguments.of("github: wrong secret", Provider.GITHUB, github("push", push, "other".getBytes()), push, 401),
        Arguments.of("github: sha1 signature", Provider.GITHUB, sha1, push, 401),
        Arguments.of("github: signature not hex", Provider.GITHUB, notHex, push, 401),
        Arguments.of("github: body changed after signing", Provider.GITHUB, github("push", push, OLD), push + " ", 401),
        Arguments.of("github: malformed JSON, signed", Provider.GITHUB, github("push", "{\"ref\":", OLD), "{\"ref\":", 400),
        Arguments.of("github: JSON array, signed", Provider.GITHUB, github("push", "[]", OLD), "[]", 400),
        Arguments.of("github: push without ref", Provider.GITHUB, github("push", "{\"after\":\"1\"}", OLD), "{\"after\":\"1\"}", 400),
        Arguments.of("github: push without repository", Provider.GITHUB,
            github("push", "{\"ref\":\"refs/heads/x\",\"after\":\"1\"}", OLD), "{\"ref\":\"refs/heads/x\",\"after\":\"1\"}", 400),
        Arguments.of("gitlab: wrong token", Provider.GITLAB, gitlab("Push Hook", "nope"), GITLAB_PUSH, 401),
        Arguments.of("gitlab: token is a prefix", Provider.GITLAB, gitlab("Push Hook", "old-secre"), GITLAB_PUSH, 401),
        Arguments.of("gitlab: no delivery id", Provider.GITLAB, gitlabNoId, GITLAB_PUSH, 400),
        Arguments.of("gitlab: malformed", Provider.GITLAB, gitlabUuid, "not json", 400),
        Arguments.of("bitbucket: wrong secret", Provider.BITBUCKET, bitbucket("repo:push", BITBUCKET_PUSH, "x".getBytes()),
            BITBUCKET_PUSH, 401),
        Arguments.of("bitbucket: missing event key", Provider.BITBUCKET,
            headers("x-request-uuid", "1", "x-hub-signature", "sha256=00"), BITBUCKET_PUSH, 400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void rejects(String name, Provider provider, Map<String, String> headers, String body, int status) {
    assertThatThrownBy(() -> WebhookIntake.receive(provider, headers, body.getBytes(StandardCharsets.UTF_8), SECRETS))
        .isInstanceOfSatisfying(WebhookException.class, e -> assertThat(e.status()).isEqualTo(status));
  }

  static TriggerEvent ev(String kind, String repo, String branch, String tag, String subject, String author,
      String email, String actor, Integer pr, String base) {
    return new TriggerEvent(kind, List.of(repo), branch, tag, SHA, base, subject, author, email, actor, pr);
  }

  static Stream<Arguments> accepted() {
    String push = githubPush("refs/heads/main");
    String tag = githubPush("refs/tags/v2.0");
    String deleted = githubPush("refs/heads/old").replace("\"deleted\":false", "\"deleted\":true");
    String pr = GITHUB_PR.formatted("opened", SHA, BEFORE);
    String prSync = GITHUB_PR.formatted("synchronize", SHA, BEFORE);
    String prClosed = GITHUB_PR.formatted("closed", SHA, BEFORE);
    List<String> ghUrls = List.of("https://github.com/acme/app.git", "git@github.com:acme/app.git", "https://github.com/acme/app");
    TriggerEvent ghPush = new TriggerEvent("push", ghUrls, "main", null, SHA, BEFORE, "Fix the build", "Ada",
        "ada@example.com", "ada-l", null, "longer body", "https://github.com/acme/app/commit/1");
    TriggerEvent ghTag = new TriggerEvent("tag", ghUrls, null, "v2.0", SHA, BEFORE, "Fix the build", "Ada",
        "ada@example.com", "ada-l", null, "longer body", "https://github.com/acme/app/commit/1");
    TriggerEvent ghPr = ev("pull_request", "https://github.com/acme/app.git", "feature/x", null, "Add a feature", "bob",
        null, "bob", 7, BEFORE);
    String mrOpen = GITLAB_MR.formatted("open", "null", SHA);
    String mrUpdate = GITLAB_MR.formatted("update", "\"" + BEFORE + "\"", SHA);
    String mrLabels = GITLAB_MR.formatted("update", "null", SHA);
    TriggerEvent glPush = new TriggerEvent("push", List.of("https://gitlab.com/acme/app.git", "git@gitlab.com:acme/app.git"),
        "main", null, SHA, BEFORE, "Ship it", "Carol", "c@example.com", "carol", null);
    TriggerEvent glMr = ev("pull_request", "https://gitlab.com/acme/app.git", "topic", null, "MR title", "Dan",
        "d@example.com", "dan", 12, null);
    List<String> bbUrls = List.of("https://bitbucket.org/acme/app.git", "https://bitbucket.org/acme/app");
    TriggerEvent bbPush = new TriggerEvent("push", bbUrls, "main", null, SHA, BEFORE, "Bump", "Erin", "e@example.com",
        "erin", null);
    TriggerEvent bbTag = new TriggerEvent("tag", bbUrls, null, "v1.0", SHA, null, null, null, null, "erin", null);
    TriggerEvent bbPr = new TriggerEvent("pull_request", List.of("https://bitbucket.org/acme/app.git"), "fix", null, SHA,
        BEFORE, "PR", "Fay", null, "Fay", 3);
    return Stream.of(
        Arguments.of("github push, old secret", Provider.GITHUB, github("push", push, OLD), push, new ParsedWebhook.Events(List.of(ghPush))),
        Arguments.of("github push, new secret", Provider.GITHUB, github("push", push, NEW), push, new ParsedWebhook.Events(List.of(ghPush))),
        Arguments.of("github tag", Provider.GITHUB, github("push", tag, OLD), tag, new ParsedWebhook.Events(List.of(ghTag))),
        Arguments.of("github deleted branch", Provider.GITHUB, github("push", deleted, OLD), deleted,
            new ParsedWebhook.Ignored("the push deleted refs/heads/old")),
        Arguments.of("github PR opened", Provider.GITHUB, github("pull_request", pr, OLD), pr, new ParsedWebhook.Events(List.of(ghPr))),
        Arguments.of("github PR synchronize", Provider.GITHUB, github("pull_request", prSync, OLD), prSync,
            new ParsedWebhook.Events(List.of(ghPr))),
        Arguments.of("github PR closed", Provider.GITHUB, github("pull_request", prClosed, OLD), prClosed,
            new ParsedWebhook.Ignored("pull request action 'closed' does not start pipelines")),
        Arguments.of("github ping", Provider.GITHUB, github("ping", "{\"zen\":\"hi\"}", OLD), "{\"zen\":\"hi\"}", new ParsedWebhook.Ping()),
        Arguments.of("github unknown event", Provider.GITHUB, github("issues", "{}", OLD), "{}",
            new ParsedWebhook.Ignored("GitHub event 'issues' does not start pipelines")),
        Arguments.of("gitlab push", Provider.GITLAB, gitlab("Push Hook", "new-secret"), GITLAB_PUSH,
            new ParsedWebhook.Events(List.of(glPush))),
        Arguments.of("gitlab MR opened", Provider.GITLAB, gitlab("Merge Request Hook", "old-secret"), mrOpen,
            new ParsedWebhook.Events(List.of(glMr))),
        Arguments.of("gitlab MR new commits", Provider.GITLAB, gitlab("Merge Request Hook", "old-secret"), mrUpdate,
            new ParsedWebhook.Events(List.of(new TriggerEvent("pull_request", List.of("https://gitlab.com/acme/app.git"),
                "topic", null, SHA, BEFORE, "MR title", "Dan", "d@example.com", "dan", 12)))),
        Arguments.of("gitlab MR label change", Provider.GITLAB, gitlab("Merge Request Hook", "old-secret"), mrLabels,
            new ParsedWebhook.Ignored("merge request action 'update' does not start pipelines")),
        Arguments.of("gitlab unknown event", Provider.GITLAB, gitlab("Note Hook", "old-secret"), "{}",
            new ParsedWebhook.Ignored("GitLab event 'Note Hook' does not start pipelines")),
        Arguments.of("bitbucket push: branch, deleted branch, tag", Provider.BITBUCKET,
            bitbucket("repo:push", BITBUCKET_PUSH, NEW), BITBUCKET_PUSH, new ParsedWebhook.Events(List.of(bbPush, bbTag))),
        Arguments.of("bitbucket PR", Provider.BITBUCKET, bitbucket("pullrequest:updated", BITBUCKET_PR, OLD), BITBUCKET_PR,
            new ParsedWebhook.Events(List.of(bbPr))),
        Arguments.of("bitbucket ping", Provider.BITBUCKET, bitbucket("diagnostics:ping", "{}", OLD), "{}", new ParsedWebhook.Ping()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void accepts(String name, Provider provider, Map<String, String> headers, String body, ParsedWebhook expected) {
    WebhookIntake.Accepted a = WebhookIntake.receive(provider, headers, body.getBytes(StandardCharsets.UTF_8), SECRETS);
    assertThat(a.parsed()).isEqualTo(expected);
    assertThat(a.deliveryId()).isNotBlank();
  }

  @org.junit.jupiter.api.Test
  void an_empty_secret_never_verifies() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignatures.hmacSha256(body, "sha256=" + "00".repeat(32), List.of(new byte[0]))).isFalse();
    assertThat(WebhookSignatures.token("", List.of(new byte[0]))).isFalse();
  }
}
