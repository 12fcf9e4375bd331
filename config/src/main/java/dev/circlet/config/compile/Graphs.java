package dev.circlet.config.compile;

import dev.circlet.config.yaml.Pos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Cycle detection and ordering of a workflow's {@code requires} graph. */
final class Graphs {
  private Graphs() {}

  /** Reports each cycle once, at the job that closes it; returns whether the graph is acyclic. */
  static boolean checkAcyclic(Map<String, List<String>> edges, Function<String, Pos> pos, Diags d) {
    Map<String, Integer> state = new HashMap<>();
    boolean ok = true;
    for (String n : edges.keySet()) {
      ok &= visit(n, edges, state, new ArrayList<>(), pos, d);
    }
    return ok;
  }

  private static boolean visit(String n, Map<String, List<String>> edges, Map<String, Integer> state,
      List<String> path, Function<String, Pos> pos, Diags d) {
    Integer s = state.get(n);
    if (s != null && s == 2) {
      return true;
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(n), path.size()));
      cycle.add(n);
      d.error(pos.apply(n), "requires form a cycle: " + String.join(" -> ", cycle));
      return false;
    }
    state.put(n, 1);
    path.add(n);
    boolean ok = true;
    for (String r : edges.getOrDefault(n, List.of())) {
      ok &= visit(r, edges, state, path, pos, d);
    }
    path.remove(path.size() - 1);
    state.put(n, 2);
    return ok;
  }

  /** Jobs with their requirements first, otherwise in declaration order (graph must be acyclic). */
  static List<String> topological(Map<String, List<String>> edges) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String n : edges.keySet()) {
      add(n, edges, out);
    }
    return new ArrayList<>(out);
  }

  private static void add(String n, Map<String, List<String>> edges, LinkedHashSet<String> out) {
    if (out.contains(n)) {
      return;
    }
    for (String r : edges.getOrDefault(n, List.of())) {
      add(r, edges, out);
    }
    out.add(n);
  }
}
