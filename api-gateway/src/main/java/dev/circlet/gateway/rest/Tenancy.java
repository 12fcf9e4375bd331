package dev.circlet.gateway.rest;

import dev.circlet.api.v1alpha1.CircletApi;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a namespace belongs to an Organization: its label {@code ci.circlet.dev/organization},
 * read from the API server at the time of the call (platform admins rebind namespaces). One
 * instance per request remembers the namespaces it has read.
 */
public final class Tenancy {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  private final KubernetesClient client;
  private final String organization;
  private final Map<String, Boolean> seen = new HashMap<>();

  public Tenancy(KubernetesClient client, String organization) {
    this.client = client;
    this.organization = organization;
  }

  /** Whether {@code namespace} is bound to this organization. */
  public boolean owns(String namespace) {
    if (namespace == null || !NAME.matcher(namespace).matches()) {
      return false;
    }
    return seen.computeIfAbsent(namespace, ns -> {
      Namespace n = client.namespaces().withName(ns).get();
      Map<String, String> labels = n == null ? null : n.getMetadata().getLabels();
      return labels != null && organization.equals(labels.get(CircletApi.LABEL_ORGANIZATION));
    });
  }

  /** A resource name fit for a lookup; anything else is answered as not found. */
  public static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }
}
