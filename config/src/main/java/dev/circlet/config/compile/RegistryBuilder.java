package dev.circlet.config.compile;

import dev.circlet.config.orbs.OrbResolver;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.config.params.Scope;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import java.util.Set;

/** Builds the config's registry: its own elements plus those of its orbs (and their orbs). */
public final class RegistryBuilder {
  private static final int MAX_ORB_DEPTH = 8;
  private static final Set<String> ORB_KEYS =
      Set.of("version", "description", "display", "orbs", "commands", "executors", "jobs", "examples");

  private final OrbResolver resolver;
  private final Diags d;
  private final Scope base;

  public RegistryBuilder(OrbStore store, Scope base, Diags d) {
    this.resolver = new OrbResolver(store);
    this.base = base;
    this.d = d;
  }

  /** {@code orbSection} is the config's {@code orbs:} after pipeline values were substituted. */
  public Registry build(YMap root, YNode orbSection) {
    Registry r = new Registry();
    r.addOwn(root, base, d);
    addOrbs(r, orbSection, 0);
    return r;
  }

  private void addOrbs(Registry into, YNode section, int depth) {
    if (Nodes.isNull(section)) {
      return;
    }
    if (!(section instanceof YMap orbs)) {
      d.error(section.pos(), "orbs must be a map of name to orb, got " + section.kind());
      return;
    }
    for (YMap.Entry e : orbs.entries()) {
      if (depth >= MAX_ORB_DEPTH) {
        d.error(e.keyPos(), "orbs nest deeper than " + MAX_ORB_DEPTH + " levels");
        return;
      }
      YMap doc = resolver.resolve(e.key(), e.value(), d);
      if (doc == null) {
        into.markMissing(e.key());
        continue;
      }
      Nodes.warnUnknown(doc, ORB_KEYS, "orb '" + e.key() + "'", d);
      Registry orb = new Registry();
      addOrbs(orb, doc.get("orbs"), depth + 1);
      orb.addOwn(doc, base, d);
      into.addOrb(e.key(), orb);
    }
  }
}
