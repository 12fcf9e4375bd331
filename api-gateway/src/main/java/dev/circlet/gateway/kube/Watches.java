package dev.circlet.gateway.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;

/**
 * Informers over the namespaces the gateway serves: one per namespace when the chart names them
 * ({@code circlet.gateway.namespaces}, the build namespaces), so the gateway needs list and watch
 * only there, or one over all namespaces when none are named (cluster-wide RBAC).
 */
public final class Watches {
  private Watches() {}

  /** Informers, not yet started, of {@code type} in {@code namespaces} (all when empty). */
  public static <T extends HasMetadata> List<SharedIndexInformer<T>> of(KubernetesClient client, Class<T> type,
      List<String> namespaces, long resyncMillis) {
    List<SharedIndexInformer<T>> out = new ArrayList<>();
    if (namespaces.isEmpty()) {
      out.add(client.resources(type).inAnyNamespace().runnableInformer(resyncMillis));
    } else {
      for (String ns : namespaces) {
        out.add(client.resources(type).inNamespace(ns).runnableInformer(resyncMillis));
      }
    }
    return out;
  }
}
