package dev.circlet.config.compile;

import dev.circlet.config.params.ParamSpec;
import dev.circlet.config.params.Scope;
import dev.circlet.config.params.Substitutor;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The commands, executors and jobs visible from one document (a config or an orb): its own under
 * their names and those of its orbs as {@code orb/name}.
 */
public final class Registry {
  final Map<String, Element> commands = new LinkedHashMap<>();
  final Map<String, Element> executors = new LinkedHashMap<>();
  final Map<String, Element> jobs = new LinkedHashMap<>();
  private final java.util.Set<String> missingOrbs = new java.util.HashSet<>();

  /** Records an orb that could not be resolved (already reported), so its elements don't cascade. */
  void markMissing(String alias) {
    missingOrbs.add(alias);
  }

  /** Whether {@code name} belongs to an orb that could not be resolved. */
  public boolean fromMissingOrb(String name) {
    int slash = name.indexOf('/');
    return slash > 0 && missingOrbs.contains(name.substring(0, slash));
  }

  public Element command(String name) {
    return commands.get(name);
  }

  public Element executor(String name) {
    return executors.get(name);
  }

  public Element job(String name) {
    return jobs.get(name);
  }

  /** Adds the document's own commands, executors and jobs. */
  void addOwn(YMap doc, Scope base, Diags d) {
    add(doc.get("commands"), "command", commands, base, d);
    add(doc.get("executors"), "executor", executors, base, d);
    add(doc.get("jobs"), "job", jobs, base, d);
  }

  /** Adds another registry's own elements under {@code prefix/}. */
  void addOrb(String prefix, Registry orb) {
    orb.commands.forEach((k, v) -> commands.putIfAbsent(prefix + "/" + k, qualified(prefix, v)));
    orb.executors.forEach((k, v) -> executors.putIfAbsent(prefix + "/" + k, qualified(prefix, v)));
    orb.jobs.forEach((k, v) -> jobs.putIfAbsent(prefix + "/" + k, qualified(prefix, v)));
  }

  /** Messages name orb elements as the config refers to them ({@code orb/name}). */
  private static Element qualified(String prefix, Element e) {
    return new Element(e.kind(), prefix + "/" + e.name(), e.body(), e.params(), e.home());
  }

  private void add(YNode section, String kind, Map<String, Element> into, Scope base, Diags d) {
    if (section == null || section instanceof YScalar s && s.isNull()) {
      return;
    }
    if (!(section instanceof YMap map)) {
      d.error(section.pos(), kind + "s must be a map of name to definition, got " + section.kind());
      return;
    }
    for (YMap.Entry e : map.entries()) {
      if (!(e.value() instanceof YMap body)) {
        d.error(e.value().pos(), kind + " '" + e.key() + "' must be a map, got " + e.value().kind());
        continue;
      }
      // Defaults may use pipeline values (default: << pipeline.parameters.x >>).
      YNode decls = Substitutor.apply(body.get("parameters"), base, d);
      Map<String, ParamSpec> params = ParamSpec.parseAll(decls, false, d);
      into.put(e.key(), new Element(kind, e.key(), body, params, this));
    }
  }
}
