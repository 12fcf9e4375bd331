package dev.circlet.operator.pod;

import dev.circlet.api.v1alpha1.CircletApi;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds the Secret behind each CircleCI context a job names: in the Build's own namespace, the one
 * Secret labelled {@code ci.circlet.dev/context=<name>}. Contexts never cross namespaces, so who may
 * use a context is who may run Builds in the namespace its Secret lives in (Kubernetes RBAC).
 */
public final class ContextSecrets {
  /** The Secrets in the job's order, or why they cannot be used yet ({@code reason} is CamelCase). */
  public record Resolution(List<String> secretNames, String reason, String message) {
    public boolean ok() {
      return reason == null;
    }
  }

  private ContextSecrets() {}

  /**
   * @param secrets the context-labelled Secrets the operator knows (any namespace)
   */
  public static Resolution resolve(List<String> contexts, String namespace, Collection<Secret> secrets) {
    List<String> names = new ArrayList<>();
    for (String context : contexts) {
      List<String> matching = secrets.stream()
          .filter(s -> namespace.equals(s.getMetadata().getNamespace()))
          .filter(s -> context.equals(label(s)))
          .map(s -> s.getMetadata().getName())
          .sorted()
          .toList();
      if (matching.isEmpty()) {
        return new Resolution(List.of(), "ContextNotFound", "context \"" + context + "\" has no Secret labelled "
            + CircletApi.LABEL_CONTEXT + "=" + context + " in namespace " + namespace);
      }
      if (matching.size() > 1) {
        return new Resolution(List.of(), "AmbiguousContext", "context \"" + context + "\" is held by "
            + matching.size() + " Secrets in namespace " + namespace + ": " + String.join(", ", matching));
      }
      names.add(matching.get(0));
    }
    return new Resolution(List.copyOf(names), null, null);
  }

  private static String label(Secret s) {
    Map<String, String> labels = s.getMetadata().getLabels();
    return labels == null ? null : labels.get(CircletApi.LABEL_CONTEXT);
  }
}
