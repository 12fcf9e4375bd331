package dev.circlet.operator.tenancy;

import dev.circlet.api.v1alpha1.CircletApi;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;
import java.util.Set;

/**
 * Reads which Organization a namespace is bound to: from an informer of the labelled Namespaces
 * (the common, bound case costs no request) and, before refusing anything, from the API server, so
 * a label set a moment ago and not yet in the cache never fails a tenant's run.
 */
public final class NamespaceOrganizations {
  private final KubernetesClient client;
  private final InformerEventSource<Namespace, ?> cache;

  private NamespaceOrganizations(KubernetesClient client, InformerEventSource<Namespace, ?> cache) {
    this.client = client;
    this.cache = cache;
  }

  /**
   * An informer of the Namespaces that carry the organization label, for a controller of {@code primary}.
   * Its events wake no primary: a refusal is final, and a bound namespace needs no wake-up.
   */
  public static <P extends io.fabric8.kubernetes.api.model.HasMetadata> InformerEventSource<Namespace, P> informer(
      Class<P> primary, EventSourceContext<P> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, primary)
        .withName("organization-namespaces")
        .withWatchAllNamespaces()
        .withLabelSelector(CircletApi.LABEL_ORGANIZATION)
        .withSecondaryToPrimaryMapper(ns -> Set.of())
        .build(), context);
  }

  public static NamespaceOrganizations over(KubernetesClient client, InformerEventSource<Namespace, ?> cache) {
    return new NamespaceOrganizations(client, cache);
  }

  /** Why {@code namespace} may not use {@code organization}; empty when it may. */
  public Optional<String> problem(String namespace, String organization) {
    Namespace cached = cache.get(new ResourceID(namespace)).orElse(null);
    Optional<String> problem = OrganizationBinding.problem(namespace, labels(cached), organization);
    if (problem.isEmpty()) {
      return problem;
    }
    Namespace live = client.namespaces().withName(namespace).get();
    return OrganizationBinding.problem(namespace, labels(live), organization);
  }

  private static java.util.Map<String, String> labels(Namespace ns) {
    return ns == null || ns.getMetadata() == null ? null : ns.getMetadata().getLabels();
  }
}
