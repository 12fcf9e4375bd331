package dev.circlet.gateway.vcs;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.gateway.trigger.RepositoryUrls;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** The commit status a Workflow reports, and the credentials a Pipeline's Secret holds. Pure. */
public final class WorkflowStatuses {
  private WorkflowStatuses() {}

  /**
   * The status of {@code wf} in {@code state}, or null when it has nothing to report on: no
   * revision (a run of a branch tip whose commit was not given), or a repository of no known provider.
   *
   * @param targetUrl the link on the status, with {@code {namespace}}, {@code {pipeline}},
   *     {@code {number}}, {@code {workflow}} and {@code {name}} replaced; blank for none
   */
  public static CommitStatus of(Workflow wf, Pipeline p, CommitStatus.State state, String targetUrl) {
    var t = wf.getSpec() == null ? null : wf.getSpec().trigger;
    if (t == null || t.revision == null || p.getSpec() == null || p.getSpec().repository == null
        || p.getSpec().repository.url == null) {
      return null;
    }
    String normalised = RepositoryUrls.normalise(p.getSpec().repository.url);
    int slash = normalised.indexOf('/');
    if (slash < 0 || normalised.startsWith("file:")) {
      return null;
    }
    String host = normalised.substring(0, slash);
    String path = normalised.substring(slash + 1);
    String provider = provider(p.getSpec().repository.provider, host);
    if (provider == null) {
      return null;
    }
    String workflow = wf.getSpec().workflowName;
    long number = wf.getSpec().pipelineNumber == null ? 0 : wf.getSpec().pipelineNumber;
    String url = targetUrl == null || targetUrl.isBlank() ? null : targetUrl
        .replace("{namespace}", wf.getMetadata().getNamespace()).replace("{pipeline}", wf.getSpec().pipeline)
        .replace("{number}", Long.toString(number)).replace("{workflow}", workflow)
        .replace("{name}", wf.getMetadata().getName());
    String description = "Circlet pipeline #" + number + ": workflow " + workflow + " " + switch (state) {
      case PENDING -> wf.getStatus() != null && wf.getStatus().phase == WorkflowPhase.OnHold ? "on hold" : "running";
      case SUCCESS -> "succeeded";
      case FAILURE -> "failed";
      case CANCELED -> "canceled";
    };
    return new CommitStatus(provider, host, path, t.revision, state, "circlet/" + workflow, description, url);
  }

  /** The provider a Pipeline names, or the one its host names. */
  static String provider(String named, String host) {
    if (named != null && !named.isBlank()) {
      return named.toLowerCase(Locale.ROOT);
    }
    for (String p : new String[] {"github", "gitlab", "bitbucket"}) {
      if (host.contains(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The credentials in a Secret's data (base64, as the API server returns it): {@code token},
   * optional {@code username} and {@code api-url}.
   *
   * @throws IllegalArgumentException when the Secret has no token
   */
  public static StatusCredentials credentials(String namespace, String secretName, Map<String, String> data) {
    String token = decode(data, "token");
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("Secret " + namespace + "/" + secretName + " has no key 'token'");
    }
    return new StatusCredentials(namespace + "/" + secretName, token.strip(), decode(data, "username"),
        decode(data, "api-url"));
  }

  private static String decode(Map<String, String> data, String key) {
    String v = data == null ? null : data.get(key);
    return v == null ? null : new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8);
  }
}
