package dev.circlet.config.compile;

import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small typed readers over {@link YNode}s that report type errors with the value's position. */
public final class Nodes {
  private Nodes() {}

  public static boolean isNull(YNode n) {
    return n == null || n instanceof YScalar s && s.isNull();
  }

  /** A scalar's text, or null (with an error) when the value is a list or map. */
  public static String text(YNode n, String what, Diags d) {
    if (isNull(n)) {
      return null;
    }
    if (n instanceof YScalar s) {
      return s.text();
    }
    d.error(n.pos(), what + " must be a string, got " + n.kind());
    return null;
  }

  public static String text(YMap m, String key, Diags d) {
    return text(m.get(key), "'" + key + "'", d);
  }

  /** A string or a list of strings, as a list. */
  public static List<String> textList(YNode n, String what, Diags d) {
    if (isNull(n)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    if (n instanceof YSeq seq) {
      for (YNode i : seq.items()) {
        String t = text(i, what + " item", d);
        if (t != null) {
          out.add(t);
        }
      }
    } else {
      String t = text(n, what, d);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * An environment: a map, a list of {@code K=V} strings, or a list of one-key maps. Values are
   * taken as their source text ({@code 3.10} stays {@code 3.10}).
   */
  public static Map<String, String> env(YNode n, Diags d) {
    Map<String, String> out = new LinkedHashMap<>();
    if (isNull(n)) {
      return out;
    }
    if (n instanceof YMap m) {
      for (YMap.Entry e : m.entries()) {
        putEnv(out, e.key(), e.value(), d);
      }
    } else if (n instanceof YSeq seq) {
      for (YNode i : seq.items()) {
        if (i instanceof YScalar s && s.isString() && s.text().contains("=")) {
          int eq = s.text().indexOf('=');
          out.put(s.text().substring(0, eq), s.text().substring(eq + 1));
        } else if (i instanceof YMap m && m.size() == 1) {
          YMap.Entry e = m.entries().get(0);
          putEnv(out, e.key(), e.value(), d);
        } else {
          d.error(i.pos(), "environment list items must be KEY=value or a one-key map");
        }
      }
    } else {
      d.error(n.pos(), "environment must be a map or a list, got " + n.kind());
    }
    return out;
  }

  private static void putEnv(Map<String, String> out, String key, YNode v, Diags d) {
    if (v instanceof YScalar s) {
      out.put(key, s.isNull() ? "" : s.text());
    } else {
      d.error(v.pos(), "environment variable '" + key + "' must be a scalar, got " + v.kind());
    }
  }

  /** Warns about keys outside {@code known}. */
  public static void warnUnknown(YMap m, Set<String> known, String where, Diags d) {
    for (YMap.Entry e : m.entries()) {
      if (!known.contains(e.key())) {
        d.warn(e.keyPos(), "unknown key '" + e.key() + "' in " + where + " is ignored");
      }
    }
  }

  /**
   * Keeps the keys outside {@code known} as plain values and names each in a warning: Circlet
   * cannot honour them, but the compiled job still shows them so nothing disappears unseen.
   */
  public static Map<String, Object> keepUnsupported(YMap m, Set<String> known, String where, Diags d) {
    Map<String, Object> kept = new LinkedHashMap<>();
    for (YMap.Entry e : m.entries()) {
      if (!known.contains(e.key())) {
        d.warn(e.keyPos(), "'" + e.key() + "' in " + where + " is not supported by Circlet; it is kept in the"
            + " compiled job and has no effect");
        kept.put(e.key(), plain(e.value()));
      }
    }
    return kept;
  }

  /** The node as plain Java values (maps, lists, scalars), for printing and JSON. */
  public static Object plain(YNode n) {
    return switch (n) {
      case YScalar s -> s.value();
      case YSeq seq -> seq.items().stream().map(Nodes::plain).toList();
      case YMap m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        m.entries().forEach(e -> out.put(e.key(), plain(e.value())));
        yield out;
      }
    };
  }

  /** A positive integer, or null with an error. */
  public static Integer positiveInt(YNode n, String what, Diags d) {
    if (isNull(n)) {
      return null;
    }
    if (n instanceof YScalar s && s.value() instanceof Long l && l >= 1 && l <= 10_000) {
      return l.intValue();
    }
    if (n instanceof YScalar s && s.isString() && s.text().matches("\\d{1,5}") && Integer.parseInt(s.text()) >= 1) {
      return Integer.parseInt(s.text());
    }
    d.error(n.pos(), what + " must be a positive integer, got " + (n instanceof YScalar s ? "'" + s.text() + "'" : n.kind()));
    return null;
  }
}
