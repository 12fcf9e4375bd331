package dev.circlet.gateway.builds;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.CircletApi;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds read from the API server. The organization counts only when the Build's namespace carries
 * the label {@code ci.circlet.dev/organization} with the same value (as for Pipelines), so a Build
 * naming another organization in its spec does not become that organization's.
 * {@link #cached} remembers answers for the runner API, which asks for the same Build per step.
 */
public final class KubernetesBuildDirectory implements BuildDirectory {
  private static final int CACHE_MAX = 10_000;

  private final KubernetesClient client;
  private final Map<String, BuildRef> cache = new ConcurrentHashMap<>();

  public KubernetesBuildDirectory(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Optional<BuildRef> find(String namespace, String build) {
    Build b = client.resources(Build.class).inNamespace(namespace).withName(build).get();
    if (b == null) {
      return Optional.empty();
    }
    String organization = b.getSpec() == null ? null : b.getSpec().organization;
    if (organization != null) {
      Namespace ns = client.namespaces().withName(namespace).get();
      Map<String, String> labels = ns == null ? null : ns.getMetadata().getLabels();
      if (labels == null || !organization.equals(labels.get(CircletApi.LABEL_ORGANIZATION))) {
        organization = null;
      }
    }
    return Optional.of(new BuildRef(b.getMetadata().getUid(), namespace, build, organization));
  }

  /** The Build, from memory after the first answer: a Build's uid and organization never change. */
  public BuildRef cached(String namespace, String build) {
    String key = namespace + "/" + build;
    BuildRef ref = cache.get(key);
    if (ref != null) {
      return ref;
    }
    ref = find(namespace, build).orElseThrow(() -> new IllegalStateException("no Build " + key));
    if (cache.size() >= CACHE_MAX) {
      cache.clear();
    }
    cache.put(key, ref);
    return ref;
  }
}
