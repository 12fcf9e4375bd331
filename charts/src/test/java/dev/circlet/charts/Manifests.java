package dev.circlet.charts;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The objects of a rendered chart, each kept as a generic resource (its YAML, exactly as rendered). */
final class Manifests {
  private static final Pattern DOCUMENT = Pattern.compile("(?m)^---\\s*$");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Manifests() {}

  /** Renders the chart with these arguments and parses every document. */
  static List<GenericKubernetesResource> render(String... args) {
    return parse(Helm.template(args).assertOk("helm template").stdout());
  }

  static List<GenericKubernetesResource> parse(String yaml) {
    List<GenericKubernetesResource> all = new ArrayList<>();
    for (String doc : DOCUMENT.split(yaml)) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        continue;
      }
      all.add(SERIALIZATION.unmarshal(doc, GenericKubernetesResource.class));
    }
    return all;
  }

  static List<GenericKubernetesResource> ofKind(List<GenericKubernetesResource> all, String kind) {
    return all.stream().filter(r -> kind.equals(r.getKind())).toList();
  }

  static GenericKubernetesResource one(List<GenericKubernetesResource> all, String kind, String name) {
    return all.stream().filter(r -> kind.equals(r.getKind()) && name.equals(r.getMetadata().getName()))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
  }

  /** Converts a generic resource to its typed model class (Deployment, Role, ...). */
  static <T extends HasMetadata> T as(GenericKubernetesResource r, Class<T> type) {
    return SERIALIZATION.convertValue(r, type);
  }

  static String key(HasMetadata r) {
    String ns = r.getMetadata().getNamespace();
    return r.getKind() + " " + (ns == null ? "" : ns + "/") + r.getMetadata().getName();
  }
}
