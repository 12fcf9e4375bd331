package dev.circlet.config.orbs;

import dev.circlet.config.yaml.ConfigError;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YamlLoader;
import dev.circlet.config.yaml.YamlWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a registry orb and the registry orbs it imports (recursively) and writes them as the
 * orb ConfigMaps the operator reads: one ConfigMap per orb, labelled
 * {@code ci.circlet.dev/orb-namespace} and {@code ci.circlet.dev/orb-name}, one key per version.
 */
public final class OrbVendor {
  public static final String LABEL_ORB_NAMESPACE = "ci.circlet.dev/orb-namespace";
  public static final String LABEL_ORB_NAME = "ci.circlet.dev/orb-name";

  private static final Pattern REF = Pattern.compile("([a-z0-9_-]+)/([a-z0-9_-]+)@(\\S+)", Pattern.CASE_INSENSITIVE);
  private static final int MAX_ORBS = 100;

  /** One resolved orb version. */
  public record Vendored(String namespace, String name, String version, String source) {}

  private OrbVendor() {}

  /**
   * The orb {@code ref} ({@code ns/name@version}) and every registry orb it imports, each at the
   * exact version the store resolved; a reference that cannot be resolved is an
   * {@link IllegalArgumentException} naming it and how to make it available.
   */
  public static List<Vendored> collect(RegistryOrbStore store, String ref) {
    Map<String, Vendored> out = new LinkedHashMap<>();
    Set<String> seen = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of(ref.strip()));
    while (!todo.isEmpty()) {
      String r = todo.remove(0);
      if (!seen.add(r)) {
        continue;
      }
      if (seen.size() > MAX_ORBS) {
        throw new IllegalArgumentException(ref + " imports more than " + MAX_ORBS + " orbs");
      }
      Matcher m = REF.matcher(r);
      if (!m.matches()) {
        throw new IllegalArgumentException("'" + r + "' is not of the form namespace/orb@version");
      }
      String source = store.source(m.group(1), m.group(2), m.group(3)).orElseThrow(() ->
          new IllegalArgumentException("orb " + r + " could not be resolved: "
              + store.howToVendor(m.group(1), m.group(2), m.group(3))));
      String exact = store.resolved().getOrDefault(r, m.group(3));
      out.putIfAbsent(m.group(1) + "/" + m.group(2) + "@" + exact, new Vendored(m.group(1), m.group(2), exact, source));
      todo.addAll(imports(r, source));
    }
    return List.copyOf(out.values());
  }

  /** The registry references in an orb source's own {@code orbs:} section; inline orbs need no vendoring. */
  static List<String> imports(String ref, String source) {
    YNode doc;
    try {
      doc = YamlLoader.load(source, "orb " + ref);
    } catch (ConfigError e) {
      throw new IllegalArgumentException("orb " + ref + " is not valid YAML: " + e.getMessage(), e);
    }
    List<String> out = new ArrayList<>();
    if (doc instanceof YMap map && map.get("orbs") instanceof YMap orbs) {
      for (YMap.Entry e : orbs.entries()) {
        if (e.value() instanceof YScalar s && s.isString() && REF.matcher(s.text().strip()).matches()) {
          out.add(s.text().strip());
        }
      }
    }
    return out;
  }

  /** The ConfigMaps, as YAML documents separated by {@code ---}, for {@code namespace} (where the operator reads orbs). */
  public static String configMaps(List<Vendored> orbs, String namespace) {
    Map<String, Map<String, String>> byOrb = new LinkedHashMap<>();
    for (Vendored v : orbs) {
      byOrb.computeIfAbsent(v.namespace() + "/" + v.name(), k -> new TreeMap<>()).put(v.version() + ".yml", v.source());
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Map<String, String>> e : byOrb.entrySet()) {
      String[] parts = e.getKey().split("/");
      Map<String, Object> labels = new LinkedHashMap<>();
      labels.put(LABEL_ORB_NAMESPACE, parts[0]);
      labels.put(LABEL_ORB_NAME, parts[1]);
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("name", ("orb-" + parts[0] + "-" + parts[1]).toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      meta.put("namespace", namespace);
      meta.put("labels", labels);
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("apiVersion", "v1");
      cm.put("kind", "ConfigMap");
      cm.put("metadata", meta);
      cm.put("data", new LinkedHashMap<>(e.getValue()));
      out.append("---\n").append(YamlWriter.write(cm));
    }
    return out.toString();
  }
}
