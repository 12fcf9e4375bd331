package dev.circlet.runner.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A job's stored timings with the run (workflow) that last wrote them and the timings from before
 * that run. The nodes of a parallel job store their results one by one while their siblings may
 * still be splitting: a split must not see its own run's timings, or siblings split one list
 * differently and a test runs twice or never. So a run's splits read the timings as they were
 * before the run's first node stored any ({@link #forRun}). Pure.
 *
 * @param run the workflow whose nodes wrote {@code current} last; null for timings of unknown origin
 * @param current every run's timings merged, newest values winning
 * @param previous {@code current} as it was before {@code run} wrote to it
 */
public record TimingsHistory(String run, Timings current, Timings previous) {
  private static final Timings NONE = new Timings(Map.of());

  public TimingsHistory {
    current = Objects.requireNonNullElse(current, NONE);
    previous = Objects.requireNonNullElse(previous, NONE);
  }

  public static TimingsHistory empty() {
    return new TimingsHistory(null, NONE, NONE);
  }

  /** The timings a split in workflow {@code workflowId} uses: those stored before that run. */
  public Timings forRun(String workflowId) {
    return workflowId != null && workflowId.equals(run) ? previous : current;
  }

  /** This history after a node of workflow {@code workflowId} stored {@code results}. */
  public TimingsHistory recorded(String workflowId, Timings results) {
    Timings before = workflowId != null && workflowId.equals(run) ? previous : current;
    return new TimingsHistory(workflowId, results.mergedOver(current), before);
  }

  /** The stored form: {@code {"run": …, "current": {type: {name: seconds}}, "previous": …}}. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new HashMap<>();
    m.put("run", run);
    m.put("current", current.asMap());
    m.put("previous", previous.asMap());
    return m;
  }

  /**
   * Reads the stored form, or the earlier one (a bare {@code {type: {name: seconds}}} map, taken as
   * timings of no particular run).
   */
  @SuppressWarnings("unchecked")
  public static TimingsHistory of(Map<String, Object> stored) {
    if (stored.containsKey("current")) {
      return new TimingsHistory((String) stored.get("run"), timings(stored.get("current")),
          timings(stored.get("previous")));
    }
    return new TimingsHistory(null, timings(stored), NONE);
  }

  @SuppressWarnings("unchecked")
  private static Timings timings(Object o) {
    if (o == null) {
      return NONE;
    }
    Map<String, Map<String, Double>> out = new HashMap<>();
    ((Map<String, Object>) o).forEach((type, names) -> {
      Map<String, Double> byName = new HashMap<>();
      ((Map<String, Object>) names).forEach((name, s) -> byName.put(name, ((Number) s).doubleValue()));
      out.put(type, byName);
    });
    return new Timings(out);
  }
}
