package dev.circlet.operator.orbs;

import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.config.orbs.OrbCache;
import dev.circlet.config.orbs.OrbRegistryClient;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.config.orbs.OrbVersions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Registry orbs vendored by the platform team as ConfigMaps in one namespace: a ConfigMap labelled
 * {@code ci.circlet.dev/orb-namespace=circleci} and {@code ci.circlet.dev/orb-name=node} holds one
 * key per version, {@code 5.1.0.yml}, whose value is the orb's source. A reference such as
 * {@code circleci/node@5.1} takes the newest vendored {@code 5.1.x}. Only the one namespace counts,
 * so a tenant cannot put an orb into another team's builds. It is also the cluster's orb cache
 * ({@link OrbCache}): a release fetched from the registry is saved as a ConfigMap of its own
 * ({@code orb-circleci-node-5-1-0}, labelled {@code ci.circlet.dev/orb-cached=true}), the same
 * format a platform team vendors by hand, so a cluster without egress keeps working from it.
 */
public final class ConfigMapOrbStore implements OrbStore, OrbCache {
  /** Marks a ConfigMap the operator saved from the registry (not vendored by hand). */
  public static final String LABEL_ORB_CACHED = CircletApi.GROUP + "/orb-cached";
  private static final String SUFFIX = ".yml";

  private final String namespace;
  private final Supplier<Stream<ConfigMap>> configMaps;
  private final Consumer<ConfigMap> create;

  /**
   * @param namespace the namespace the orb ConfigMaps live in, named in error messages
   * @param configMaps the labelled ConfigMaps of that namespace, e.g. from an informer's cache
   */
  public ConfigMapOrbStore(String namespace, Supplier<Stream<ConfigMap>> configMaps) {
    this(namespace, configMaps, cm -> { });
  }

  /** @param create creates a ConfigMap in the cluster (an existing one of the same name is kept) */
  public ConfigMapOrbStore(String namespace, Supplier<Stream<ConfigMap>> configMaps, Consumer<ConfigMap> create) {
    this.namespace = namespace;
    this.configMaps = configMaps;
    this.create = create;
  }

  @Override
  public Optional<String> source(String orbNamespace, String name, String version) {
    Map<String, String> sources = versions(orbNamespace, name);
    return OrbVersions.select(sources.keySet(), version).map(sources::get);
  }

  @Override
  public void save(OrbRegistryClient.Release release) {
    create.accept(configMap(namespace, release));
  }

  /** The ConfigMap that caches one release: one key, {@code <version>.yml}. */
  public static ConfigMap configMap(String namespace, OrbRegistryClient.Release release) {
    String name = ("orb-" + release.namespace() + "-" + release.name() + "-" + release.version())
        .toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    return new ConfigMapBuilder()
        .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .addToLabels(CircletApi.LABEL_ORB_NAMESPACE, release.namespace())
            .addToLabels(CircletApi.LABEL_ORB_NAME, release.name())
            .addToLabels(LABEL_ORB_CACHED, "true")
            .addToLabels("app.kubernetes.io/managed-by", "circlet-operator")
        .endMetadata()
        .addToData(release.version() + SUFFIX, release.source())
        .build();
  }

  @Override
  public Map<String, String> versions(String orbNamespace, String name) {
    Map<String, String> sources = new HashMap<>();
    configMaps.get()
        .filter(cm -> namespace.equals(cm.getMetadata().getNamespace()))
        .filter(cm -> labelled(cm, orbNamespace, name) && cm.getData() != null)
        .forEach(cm -> cm.getData().forEach((key, value) -> {
          if (key.endsWith(SUFFIX)) {
            sources.putIfAbsent(key.substring(0, key.length() - SUFFIX.length()), value);
          }
        }));
    return sources;
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
