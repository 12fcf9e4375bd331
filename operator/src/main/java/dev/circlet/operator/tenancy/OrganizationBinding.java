package dev.circlet.operator.tenancy;

import dev.circlet.api.v1alpha1.CircletApi;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a namespace may use an Organization: only when platform admins labelled the
 * Namespace {@code ci.circlet.dev/organization=<organization>}. {@code spec.organization} on a
 * Pipeline, Workflow or Build is written by the tenant and proves nothing on its own.
 */
public final class OrganizationBinding {
  /** Reason of the condition that refuses a Build, Workflow or Pipeline naming an unbound organization. */
  public static final String REASON = "OrganizationNotBound";

  private OrganizationBinding() {}

  /**
   * Why {@code namespace} may not use {@code organization}; empty when it may.
   *
   * @param namespaceLabels the Namespace's labels; null when the Namespace is unknown
   */
  public static Optional<String> problem(String namespace, Map<String, String> namespaceLabels, String organization) {
    if (organization == null || organization.isBlank()) {
      return Optional.of("no organization is named (spec.organization)");
    }
    String bound = namespaceLabels == null ? null : namespaceLabels.get(CircletApi.LABEL_ORGANIZATION);
    if (bound == null || bound.isEmpty()) {
      return Optional.of("namespace \"" + namespace + "\" is not bound to any organization: a platform admin"
          + " labels it " + CircletApi.LABEL_ORGANIZATION + "=" + organization + " to let it use \""
          + organization + "\"");
    }
    if (!bound.equals(organization)) {
      return Optional.of("namespace \"" + namespace + "\" is bound to organization \"" + bound
          + "\" and may not use \"" + organization + "\"");
    }
    return Optional.empty();
  }
}
