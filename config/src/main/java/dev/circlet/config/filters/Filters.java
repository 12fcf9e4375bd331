package dev.circlet.config.filters;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.logic.BoundedRegex;
import dev.circlet.config.logic.Expression;
import dev.circlet.config.logic.ValueLookup;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a workflow job (or legacy scheduled trigger) runs for a branch or tag push.
 * Branch pushes run unless {@code branches.only}/{@code ignore} say otherwise; tag pushes run a
 * job only if it has a {@code tags} filter that admits the tag. Patterns {@code /re/} must match
 * the whole name (with bounded work, see {@link BoundedRegex}); other strings compare exactly.
 */
public final class Filters {
  private static final Set<String> TOP = Set.of("branches", "tags");
  private static final Set<String> RULE = Set.of("only", "ignore");

  private Filters() {}

  /** The trigger a filter is evaluated against: a branch push, or a tag push when tag is set. */
  public record Trigger(String branch, String tag) {
    public boolean isTag() {
      return tag != null && !tag.isEmpty();
    }
  }

  public static boolean runs(YNode filters, Trigger t, ValueLookup values, Diags d) {
    if (filters == null || filters instanceof YScalar s && s.isNull()) {
      return !t.isTag();
    }
    if (filters instanceof YScalar s && s.value() instanceof String text) {
      return Expression.eval(text, s.pos(), values, d);
    }
    if (!(filters instanceof YMap map)) {
      d.error(filters.pos(), "filters must be a map with branches and/or tags, got " + filters.kind());
      return false;
    }
    for (YMap.Entry e : map.entries()) {
      if (!TOP.contains(e.key())) {
        d.warn(e.keyPos(), "unknown filter '" + e.key() + "' is ignored");
      }
    }
    if (t.isTag()) {
      YNode tags = map.get("tags");
      return tags != null && admits(tags, t.tag(), d);
    }
    YNode branches = map.get("branches");
    return branches == null || admits(branches, t.branch() == null ? "" : t.branch(), d);
  }

  static boolean admits(YNode rule, String name, Diags d) {
    if (!(rule instanceof YMap m)) {
      d.error(rule.pos(), "a branches/tags filter must be a map with only and/or ignore");
      return false;
    }
    for (YMap.Entry e : m.entries()) {
      if (!RULE.contains(e.key())) {
        d.warn(e.keyPos(), "unknown filter key '" + e.key() + "' is ignored");
      }
    }
    YNode only = m.get("only");
    if (only != null && !anyMatch(only, name, d)) {
      return false;
    }
    YNode ignore = m.get("ignore");
    return ignore == null || !anyMatch(ignore, name, d);
  }

  private static boolean anyMatch(YNode patterns, String name, Diags d) {
    List<YNode> items = patterns instanceof YSeq seq ? seq.items() : List.of(patterns);
    for (YNode p : items) {
      if (!(p instanceof YScalar s) || s.isNull()) {
        d.error(p.pos(), "a filter pattern must be a string");
        continue;
      }
      if (matches(s, name, d)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(YScalar s, String name, Diags d) {
    String text = s.text();
    if (text.length() >= 2 && text.startsWith("/") && text.endsWith("/")) {
      return BoundedRegex.matches(text.substring(1, text.length() - 1), name, s.pos(), d);
    }
    return text.equals(name);
  }
}
