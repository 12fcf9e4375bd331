package dev.circlet.config.orbs;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Registry orbs vendored by the platform team as orb ConfigMaps in one namespace: a ConfigMap
 * labelled {@code ci.circlet.dev/orb-namespace=circleci} and {@code ci.circlet.dev/orb-name=node}
 * holds one key per version, {@code 5.1.0.yml}, whose value is the orb's source. A reference such as
 * {@code circleci/node@5.1} takes the newest vendored {@code 5.1.x}. Only the one namespace counts,
 * so a tenant cannot put an orb into another team's builds. It is also the cluster's orb cache
 * ({@link OrbCache}): a release fetched from the registry is saved as a ConfigMap of its own
 * ({@code orb-circleci-node-5-1-0}, labelled {@code ci.circlet.dev/orb-cached=true}), the same
 * format a platform team vendors by hand, so a cluster without egress keeps working from it.
 * Pure: the operator and the gateway map ConfigMaps to and from {@link OrbMap}.
 */
public final class OrbMapStore implements OrbStore, OrbCache {
  public static final String LABEL_ORB_NAMESPACE = OrbVendor.LABEL_ORB_NAMESPACE;
  public static final String LABEL_ORB_NAME = OrbVendor.LABEL_ORB_NAME;
  /** Marks a ConfigMap saved from the registry (not vendored by hand). */
  public static final String LABEL_ORB_CACHED = "ci.circlet.dev/orb-cached";
  private static final String SUFFIX = ".yml";

  /** The parts of a ConfigMap an orb store reads and writes. */
  public record OrbMap(String namespace, String name, Map<String, String> labels, Map<String, String> data) {
    public OrbMap {
      labels = labels == null ? Map.of() : labels;
      data = data == null ? Map.of() : data;
    }
  }

  private final String namespace;
  private final Supplier<Stream<OrbMap>> maps;
  private final Consumer<OrbMap> create;

  /**
   * @param namespace the namespace the orb ConfigMaps live in, named in error messages
   * @param maps the labelled ConfigMaps of that namespace, e.g. from an informer's cache
   */
  public OrbMapStore(String namespace, Supplier<Stream<OrbMap>> maps) {
    this(namespace, maps, m -> { });
  }

  /** @param create creates a ConfigMap in the cluster (an existing one of the same name is kept) */
  public OrbMapStore(String namespace, Supplier<Stream<OrbMap>> maps, Consumer<OrbMap> create) {
    this.namespace = namespace;
    this.maps = maps;
    this.create = create;
  }

  @Override
  public Optional<String> source(String orbNamespace, String name, String version) {
    Map<String, String> sources = versions(orbNamespace, name);
    return OrbVersions.select(sources.keySet(), version).map(sources::get);
  }

  @Override
  public Map<String, String> versions(String orbNamespace, String name) {
    Map<String, String> sources = new HashMap<>();
    maps.get()
        .filter(m -> namespace.equals(m.namespace()))
        .filter(m -> orbNamespace.equals(m.labels().get(LABEL_ORB_NAMESPACE)) && name.equals(m.labels().get(LABEL_ORB_NAME)))
        .forEach(m -> m.data().forEach((key, value) -> {
          if (key.endsWith(SUFFIX)) {
            sources.putIfAbsent(key.substring(0, key.length() - SUFFIX.length()), value);
          }
        }));
    return sources;
  }

  @Override
  public void save(OrbRegistryClient.Release release) {
    create.accept(cached(namespace, release));
  }

  /** The ConfigMap that caches one release: one key, {@code <version>.yml}. */
  public static OrbMap cached(String namespace, OrbRegistryClient.Release release) {
    String name = ("orb-" + release.namespace() + "-" + release.name() + "-" + release.version())
        .toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LABEL_ORB_NAMESPACE, release.namespace());
    labels.put(LABEL_ORB_NAME, release.name());
    labels.put(LABEL_ORB_CACHED, "true");
    labels.put("app.kubernetes.io/managed-by", "circlet");
    return new OrbMap(namespace, name, labels, Map.of(release.version() + SUFFIX, release.source()));
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
        + key + "; kubectl -n " + namespace + " label configmap " + cm + " " + LABEL_ORB_NAMESPACE + "="
        + orbNamespace + " " + LABEL_ORB_NAME + "=" + name;
  }
}
