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

/** Expands a workflow job's {@code matrix}: the Cartesian product of its parameters minus {@code exclude}. */
final class Matrix {
  private Matrix() {}

  /**
   * Combinations in declaration order (the last parameter varies fastest). A matrix with more
   * combinations than the budget allows is an error found before any combination is built.
   */
  static List<Map<String, YNode>> expand(YNode matrix, Budget budget, Diags d) {
    if (!(matrix instanceof YMap m) || !(m.get("parameters") instanceof YMap params) || params.size() == 0) {
      d.error(matrix.pos(), "matrix needs 'parameters': a map of parameter name to a list of values");
      return List.of();
    }
    Nodes.warnUnknown(m, Set.of("parameters", "exclude", "alias"), "matrix", d);
    int max = budget.limits().maxMatrixCombinations();
    long size = 1;
    double shown = 1;
    List<String> sizes = new ArrayList<>();
    for (YMap.Entry e : params.entries()) {
      if (!(e.value() instanceof YSeq values) || values.items().isEmpty()) {
        d.error(e.value().pos(), "matrix parameter '" + e.key() + "' needs a non-empty list of values");
        return List.of();
      }
      int n = values.items().size();
      // Once over the limit the product stops growing, so it cannot overflow; the message uses a double.
      size = size > max ? size : size * n;
      shown *= n;
      sizes.add(String.valueOf(n));
    }
    if (size > max) {
      String product = sizes.size() <= 8 ? " (" + String.join(" × ", sizes) + ")" : "";
      d.error(m.entry("parameters").keyPos(), "matrix has "
          + (shown < 1e15 ? String.valueOf((long) shown) : "more than 10^15") + " combinations"
          + product + "; at most " + max + " are allowed");
      return List.of();
    }
    List<Map<String, YNode>> combos = new ArrayList<>();
    combos.add(new LinkedHashMap<>());
    for (YMap.Entry e : params.entries()) {
      YSeq values = (YSeq) e.value();
      List<Map<String, YNode>> next = new ArrayList<>();
      for (Map<String, YNode> c : combos) {
        for (YNode v : values.items()) {
          Map<String, YNode> n = new LinkedHashMap<>(c);
          n.put(e.key(), v);
          next.add(n);
        }
      }
      combos = next;
    }
    YNode exclude = m.get("exclude");
    if (exclude != null) {
      if (!(exclude instanceof YSeq ex)) {
        d.error(exclude.pos(), "matrix exclude must be a list of parameter combinations");
        return combos;
      }
      for (YNode x : ex.items()) {
        budget.tick(x.pos());
        combos = excludeOne(combos, x, params, d);
      }
    }
    return combos;
  }

  private static List<Map<String, YNode>> excludeOne(List<Map<String, YNode>> combos, YNode x, YMap params, Diags d) {
    if (!(x instanceof YMap xm) || xm.size() != params.size()) {
      d.error(x.pos(), "a matrix exclude entry must give a value for every matrix parameter");
      return combos;
    }
    List<Map<String, YNode>> out = new ArrayList<>();
    boolean matched = false;
    for (Map<String, YNode> c : combos) {
      boolean same = true;
      for (YMap.Entry e : xm.entries()) {
        YNode v = c.get(e.key());
        if (v == null || !(e.value() instanceof YScalar a) || !(v instanceof YScalar b) || !a.text().equals(b.text())) {
          same = false;
          break;
        }
      }
      if (same) {
        matched = true;
      } else {
        out.add(c);
      }
    }
    if (!matched) {
      d.error(x.pos(), "matrix exclude entry matches no combination of the matrix parameters");
    }
    return out;
  }

  /** The default instance name: {@code job-v1-v2}. */
  static String defaultName(String job, Map<String, YNode> combo) {
    StringBuilder b = new StringBuilder(job);
    for (YNode v : combo.values()) {
      b.append('-').append(v instanceof YScalar s ? s.text() : v.kind());
    }
    return b.toString();
  }
}
