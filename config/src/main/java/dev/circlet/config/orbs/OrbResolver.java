package dev.circlet.config.orbs;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.yaml.ConfigError;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YamlLoader;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the {@code orbs:} section into orb documents: inline maps as they are, registry references via the store. */
public final class OrbResolver {
  private static final Pattern REF = Pattern.compile("([a-z0-9_-]+)/([a-z0-9_-]+)@(\\S+)", Pattern.CASE_INSENSITIVE);

  private final OrbStore store;
  private final Map<String, YMap> cache = new HashMap<>();

  public OrbResolver(OrbStore store) {
    this.store = store;
  }

  /** An orb's document, or null when it cannot be resolved (the reason is reported). */
  public YMap resolve(String alias, YNode value, Diags d) {
    if (value instanceof YMap inline) {
      return inline;
    }
    if (!(value instanceof YScalar s) || !s.isString()) {
      d.error(value.pos(), "orb '" + alias + "' must be 'namespace/orb@version' or an inline orb, got " + value.kind());
      return null;
    }
    Matcher m = REF.matcher(s.text().trim());
    if (!m.matches()) {
      d.error(s.pos(), "orb '" + alias + "': '" + s.text() + "' is not of the form namespace/orb@version");
      return null;
    }
    String key = m.group(1) + "/" + m.group(2) + "@" + m.group(3);
    YMap cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    Optional<String> source;
    try {
      source = store.source(m.group(1), m.group(2), m.group(3));
    } catch (RuntimeException e) {
      d.error(s.pos(), "orb " + key + " could not be read: " + e.getMessage());
      return null;
    }
    if (source.isEmpty()) {
      d.error(s.pos(), "orb " + key + " is not in the orb store; " + store.howToVendor(m.group(1), m.group(2), m.group(3)));
      return null;
    }
    try {
      YNode doc = YamlLoader.load(source.get(), "orb " + key);
      if (!(doc instanceof YMap map)) {
        d.error(s.pos(), "orb " + key + " is not a map of commands, executors and jobs");
        return null;
      }
      cache.put(key, map);
      return map;
    } catch (ConfigError e) {
      d.error(e.pos(), e.getMessage());
      return null;
    }
  }
}
