package dev.circlet.operator.orbs;

import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.config.orbs.OrbVersions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Registry orbs vendored by the platform team as ConfigMaps in one namespace: a ConfigMap labelled
 * {@code ci.circlet.dev/orb-namespace=circleci} and {@code ci.circlet.dev/orb-name=node} holds one
 * key per version, {@code 5.1.0.yml}, whose value is the orb's source. A reference such as
 * {@code circleci/node@5.1} takes the newest vendored {@code 5.1.x}. Only the one namespace counts,
 * so a tenant cannot put an orb into another team's builds.
 */
public final class ConfigMapOrbStore implements OrbStore {
  private static final String SUFFIX = ".yml";

  private final String namespace;
  private final Supplier<Stream<ConfigMap>> configMaps;

  /**
   * @param namespace the namespace the orb ConfigMaps live in, named in error messages
   * @param configMaps the labelled ConfigMaps of that namespace, e.g. from an informer's cache
   */
  public ConfigMapOrbStore(String namespace, Supplier<Stream<ConfigMap>> configMaps) {
    this.namespace = namespace;
    this.configMaps = configMaps;
  }

  @Override
  public Optional<String> source(String orbNamespace, String name, String version) {
    Map<String, String> sources = new HashMap<>();
    configMaps.get()
        .filter(cm -> namespace.equals(cm.getMetadata().getNamespace()))
        .filter(cm -> labelled(cm, orbNamespace, name) && cm.getData() != null)
        .forEach(cm -> cm.getData().forEach((key, value) -> {
          if (key.endsWith(SUFFIX)) {
            sources.putIfAbsent(key.substring(0, key.length() - SUFFIX.length()), value);
          }
        }));
    return OrbVersions.select(sources.keySet(), version).map(sources::get);
  }

  @Override
  public String howToVendor(String orbNamespace, String name, String version) {
    String cm = "orb-" + orbNamespace + "-" + name;
    // A partial reference (@5, @5.1, @volatile) resolves to the newest release it accepts, so the
    // key must name a full release: tell which releases fit rather than inventing one.
    String release = OrbVersions.releasePattern(version);
    String key = release + SUFFIX;
    String range = OrbVersions.isRange(version)
        ? " (@" + version + " uses the newest " + release + " release vendored; save one under its full version)"
        : "";
    return "vendor it into namespace " + namespace + range + ": circleci orb source " + orbNamespace + "/" + name
        + "@" + release + " > " + key + "; kubectl -n " + namespace + " create configmap " + cm + " --from-file="
        + key + "; kubectl -n " + namespace + " label configmap " + cm + " " + CircletApi.LABEL_ORB_NAMESPACE + "="
        + orbNamespace + " " + CircletApi.LABEL_ORB_NAME + "=" + name;
  }

  private static boolean labelled(ConfigMap cm, String orbNamespace, String name) {
    Map<String, String> labels = cm.getMetadata().getLabels();
    return labels != null && orbNamespace.equals(labels.get(CircletApi.LABEL_ORB_NAMESPACE))
        && name.equals(labels.get(CircletApi.LABEL_ORB_NAME));
  }
}
