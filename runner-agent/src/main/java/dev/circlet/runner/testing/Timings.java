package dev.circlet.runner.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test timings by file, class name or test name, learnt from earlier JUnit results. */
public final class Timings {
  private final Map<String, Map<String, Double>> byType;

  public Timings(Map<String, Map<String, Double>> byType) {
    this.byType = byType;
  }

  /** Aggregates test cases: seconds per file, per class name and per test name. */
  public static Timings of(List<JUnitReport.TestCase> cases) {
    Map<String, Map<String, Double>> m = new HashMap<>();
    for (JUnitReport.TestCase c : cases) {
      if (c.file() != null && !c.file().isEmpty()) {
        m.computeIfAbsent("filename", k -> new HashMap<>()).merge(c.file(), c.seconds(), Double::sum);
      }
      if (!c.classname().isEmpty()) {
        m.computeIfAbsent("classname", k -> new HashMap<>()).merge(c.classname(), c.seconds(), Double::sum);
      }
      m.computeIfAbsent("testname", k -> new HashMap<>()).merge(c.name(), c.seconds(), Double::sum);
    }
    return new Timings(m);
  }

  /** Newer values replace older ones, per type and name. */
  public Timings mergedOver(Timings older) {
    Map<String, Map<String, Double>> m = new HashMap<>();
    older.byType.forEach((t, v) -> m.put(t, new HashMap<>(v)));
    byType.forEach((t, v) -> m.computeIfAbsent(t, k -> new HashMap<>()).putAll(v));
    return new Timings(m);
  }

  public Map<String, Map<String, Double>> asMap() {
    return byType;
  }

  public Map<String, Double> of(String type) {
    return byType.getOrDefault(type, Map.of());
  }
}
