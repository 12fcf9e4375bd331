package dev.circlet.gateway.vcs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the status call of each provider: GitHub's statuses API, GitLab's commit status API and
 * Bitbucket's build status API, with their own state names. Pure.
 */
public final class StatusRequests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,64}");
  /** Descriptions longer than GitHub's limit are cut (GitHub refuses them). */
  private static final int MAX_DESCRIPTION = 140;

  private StatusRequests() {}

  /** The API base of a provider on a host, unless the credentials name one. */
  static String apiBase(String provider, String host, StatusCredentials c) {
    if (c.apiUrl() != null && !c.apiUrl().isBlank()) {
      String u = c.apiUrl().strip();
      return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }
    return switch (provider) {
      case "github" -> host.equals("github.com") ? "https://api.github.com" : "https://" + host + "/api/v3";
      case "gitlab" -> "https://" + host + "/api/v4";
      case "bitbucket" -> "https://api.bitbucket.org/2.0";
      default -> throw new IllegalArgumentException("no commit status API for provider " + provider);
    };
  }

  /**
   * The call that reports {@code s}.
   *
   * @throws IllegalArgumentException for an unknown provider, a revision that is not a commit id,
   *     or a repository path that is not owner/name
   */
  public static StatusCall call(CommitStatus s, StatusCredentials c) {
    if (s.revision() == null || !SHA.matcher(s.revision()).matches()) {
      throw new IllegalArgumentException("revision " + s.revision() + " is not a commit id");
    }
    if (s.repositoryPath() == null || !s.repositoryPath().matches("[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)+")) {
      throw new IllegalArgumentException("repository path " + s.repositoryPath() + " is not owner/name");
    }
    String base = apiBase(s.provider(), s.host(), c);
    String description = s.description() == null ? "" : s.description().length() > MAX_DESCRIPTION
        ? s.description().substring(0, MAX_DESCRIPTION - 1) + "…" : s.description();
    Map<String, Object> body = new LinkedHashMap<>();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    String uri;
    switch (s.provider()) {
      case "github" -> {
        uri = base + "/repos/" + s.repositoryPath() + "/statuses/" + s.revision();
        headers.put("Accept", "application/vnd.github+json");
        headers.put("Authorization", "Bearer " + c.token());
        body.put("state", switch (s.state()) {
          case PENDING -> "pending";
          case SUCCESS -> "success";
          case FAILURE -> "failure";
          case CANCELED -> "error";
        });
        body.put("context", s.context());
        body.put("description", description);
        if (s.targetUrl() != null) {
          body.put("target_url", s.targetUrl());
        }
      }
      case "gitlab" -> {
        uri = base + "/projects/" + URLEncoder.encode(s.repositoryPath(), StandardCharsets.UTF_8) + "/statuses/"
            + s.revision();
        headers.put("PRIVATE-TOKEN", c.token());
        body.put("state", switch (s.state()) {
          case PENDING -> "running";
          case SUCCESS -> "success";
          case FAILURE -> "failed";
          case CANCELED -> "canceled";
        });
        body.put("name", s.context());
        body.put("description", description);
        if (s.targetUrl() != null) {
          body.put("target_url", s.targetUrl());
        }
      }
      case "bitbucket" -> {
        uri = base + "/repositories/" + s.repositoryPath() + "/commit/" + s.revision() + "/statuses/build";
        headers.put("Authorization", c.username() == null || c.username().isBlank() ? "Bearer " + c.token()
            : "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.token())
                .getBytes(StandardCharsets.UTF_8)));
        body.put("state", switch (s.state()) {
          case PENDING -> "INPROGRESS";
          case SUCCESS -> "SUCCESSFUL";
          case FAILURE -> "FAILED";
          case CANCELED -> "STOPPED";
        });
        // Bitbucket keys a status by 'key' (at most 40 characters) and requires a URL.
        String key = s.context().length() <= 40 ? s.context()
            : s.context().substring(0, 31) + "-" + Integer.toHexString(s.context().hashCode() | 0x10000000);
        body.put("key", key);
        body.put("name", s.context());
        body.put("description", description);
        body.put("url", s.targetUrl() != null ? s.targetUrl() : "https://" + s.host() + "/" + s.repositoryPath());
      }
      default -> throw new IllegalArgumentException("no commit status API for provider " + s.provider());
    }
    try {
      return new StatusCall("POST", uri, headers, JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
