package dev.circlet.api.naming;

import dev.circlet.api.v1alpha1.Build;
import java.util.regex.Pattern;

/**
 * The prefix of every storage key of a Build (caches, workspaces, test timings):
 * {@code orgs/<organization>/projects/<namespace>/<project>}. The operator writes it into the
 * agent's job.json and the output processor scopes presigned URLs with it. Built only from what the operator
 * vouches for — the organization the namespace is bound to (checked before any pod exists), the
 * namespace, and the Pipeline name — never from the job's config, so one tenant's keys can never
 * be restored by another's fallback key.
 */
public final class StorageScope {
  /** The project of a Build outside any Pipeline; the underscore keeps it apart from every Pipeline name. */
  public static final String NO_PIPELINE = "_standalone";

  private static final Pattern SEGMENT = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  private StorageScope() {}

  /** The Build's scope; its organization must already be known to be bound to its namespace. */
  public static String of(Build build) {
    return of(build.getSpec().organization, build.getMetadata().getNamespace(), build.getSpec().pipeline);
  }

  /** The scope of a Build of {@code pipeline} (null or blank: none) in a bound namespace. */
  public static String of(String organization, String namespace, String pipeline) {
    String project = pipeline == null || pipeline.isBlank() ? NO_PIPELINE : segment(pipeline);
    return "orgs/" + segment(organization) + "/projects/" + segment(namespace) + "/" + project;
  }

  /**
   * One path segment: a Kubernetes object name is kept as is; anything else (free text in a spec)
   * becomes a hashed DNS label, so no value can add a segment, climb with {@code ..}, or pose as
   * another name.
   */
  public static String segment(String value) {
    if (value != null && value.length() <= 253 && SEGMENT.matcher(value).matches() && !value.contains("..")) {
      return value;
    }
    return Names.labelValue(value == null || value.isEmpty() ? "-" : value + "/");
  }
}
