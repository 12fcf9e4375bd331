package dev.circlet.config.logic;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import java.util.List;
import java.util.Objects;

/**
 * Evaluates CircleCI logic statements ({@code and}, {@code or}, {@code not}, {@code equal},
 * {@code matches}, literals) and expression strings. Parameters are already substituted, so a
 * statement only sees literals; expression strings may also name pipeline values.
 */
public final class Logic {
  private Logic() {}

  /** Evaluates a condition; problems are reported and count as false. */
  public static boolean eval(YNode n, ValueLookup ctx, Diags d) {
    switch (n) {
      case YScalar s -> {
        if (s.value() instanceof String str && Expression.looksLikeExpression(str)) {
          return Expression.eval(str, s.pos(), ctx, d);
        }
        return truthy(s.value());
      }
      case YSeq seq -> {
        // A steps (or list) parameter used as a condition: true when it holds anything.
        return !seq.items().isEmpty();
      }
      case YMap map -> {
        if (map.size() != 1) {
          d.error(map.pos(), "a logic statement must have exactly one of and, or, not, equal, matches");
          return false;
        }
        YMap.Entry e = map.entries().get(0);
        return switch (e.key()) {
          case "and" -> list(e, d).stream().allMatch(x -> eval(x, ctx, d));
          case "or" -> list(e, d).stream().anyMatch(x -> eval(x, ctx, d));
          case "not" -> !eval(e.value(), ctx, d);
          case "equal" -> equal(list(e, d));
          case "matches" -> matches(e, d);
          default -> {
            d.error(e.keyPos(), "unknown logic operator '" + e.key() + "'; expected and, or, not, equal, matches");
            yield false;
          }
        };
      }
    }
  }

  /** CircleCI falsy values: false, null, 0, NaN and the empty string. */
  public static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Long l) {
      return l != 0;
    }
    if (v instanceof Double x) {
      return x != 0 && !x.isNaN();
    }
    return !v.toString().isEmpty();
  }

  private static List<YNode> list(YMap.Entry e, Diags d) {
    if (e.value() instanceof YSeq seq) {
      return seq.items();
    }
    d.error(e.value().pos(), "'" + e.key() + "' expects a list, got " + e.value().kind());
    return List.of();
  }

  private static boolean equal(List<YNode> items) {
    if (items.isEmpty()) {
      return true;
    }
    Object first = plain(items.get(0));
    for (YNode i : items) {
      if (!Objects.equals(first, plain(i))) {
        return false;
      }
    }
    return true;
  }

  /** A comparable form: scalars by value (integers and numbers compare numerically). */
  private static Object plain(YNode n) {
    if (n instanceof YScalar s) {
      return s.value() instanceof Long l ? (Object) l.doubleValue() : s.value();
    }
    return n;
  }

  private static boolean matches(YMap.Entry e, Diags d) {
    if (!(e.value() instanceof YMap m) || !(m.get("pattern") instanceof YScalar p) || !(m.get("value") instanceof YScalar v)) {
      d.error(e.value().pos(), "'matches' expects {pattern: <regex>, value: <string>}");
      return false;
    }
    return BoundedRegex.matches(stripSlashes(p.text()), v.value() == null ? "" : v.text(), p.pos(), d);
  }

  /** CircleCI accepts patterns written as {@code /re/}; the slashes are not part of the regex. */
  public static String stripSlashes(String re) {
    return re.length() >= 2 && re.startsWith("/") && re.endsWith("/") ? re.substring(1, re.length() - 1) : re;
  }
}
