package dev.circlet.runner.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The timings one node of a parallel job stored, as its own object: nodes never rewrite a shared
 * object, so siblings storing at the same moment cannot overwrite each other's entries. Reading
 * merges the job's base {@link TimingsHistory} (timings stored before per-node objects, or by an
 * earlier version) with every node's object, oldest first so newer values win. Pure.
 *
 * @param run the workflow whose node stored them; null when unknown
 * @param at when they were stored (epoch milliseconds), which orders the merge
 * @param timings the node's timings
 */
public record NodeTimings(String run, long at, Timings timings) {
  private static final Comparator<NodeTimings> OLDEST_FIRST = Comparator.comparingLong(NodeTimings::at);

  public NodeTimings {
    timings = Objects.requireNonNullElse(timings, new Timings(Map.of()));
  }

  /**
   * The timings a split in workflow {@code workflowId} uses: the base's for that run merged with the
   * objects of every other run, never those its own nodes stored (see {@link TimingsHistory}).
   */
  public static Timings forRun(TimingsHistory base, List<NodeTimings> nodes, String workflowId) {
    Timings t = base.forRun(workflowId);
    for (NodeTimings n : sorted(nodes)) {
      if (workflowId == null || !workflowId.equals(n.run())) {
        t = n.timings().mergedOver(t);
      }
    }
    return t;
  }

  /** Every run's timings merged, newest values winning. */
  public static Timings all(TimingsHistory base, List<NodeTimings> nodes) {
    Timings t = base.current();
    for (NodeTimings n : sorted(nodes)) {
      t = n.timings().mergedOver(t);
    }
    return t;
  }

  /**
   * The runs whose objects may go: all but the {@code keep} most recent runs (by their newest
   * object), never {@code current}.
   */
  public static Set<String> runsBeyond(List<NodeTimings> nodes, int keep, String current) {
    Map<String, Long> newest = new HashMap<>();
    for (NodeTimings n : nodes) {
      newest.merge(String.valueOf(n.run()), n.at(), Math::max);
    }
    List<Map.Entry<String, Long>> runs = new ArrayList<>(newest.entrySet());
    runs.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    Set<String> out = new LinkedHashSet<>();
    for (int i = keep; i < runs.size(); i++) {
      if (!runs.get(i).getKey().equals(String.valueOf(current))) {
        out.add(runs.get(i).getKey());
      }
    }
    return out;
  }

  private static List<NodeTimings> sorted(List<NodeTimings> nodes) {
    List<NodeTimings> s = new ArrayList<>(nodes);
    s.sort(OLDEST_FIRST);
    return s;
  }

  /** The stored form: {@code {"run": …, "at": millis, "timings": {type: {name: seconds}}}}. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new HashMap<>();
    m.put("run", run);
    m.put("at", at);
    m.put("timings", timings.asMap());
    return m;
  }

  /** Reads the stored form; a map without {@code timings} or {@code at} is refused. */
  @SuppressWarnings("unchecked")
  public static NodeTimings of(Map<String, Object> stored) {
    if (!(stored.get("timings") instanceof Map<?, ?>) || !(stored.get("at") instanceof Number at)) {
      throw new IllegalArgumentException("not a node's timings (no \"timings\" map or \"at\" time)");
    }
    Map<String, Object> wrapped = new HashMap<>();
    wrapped.put("current", stored.get("timings"));
    return new NodeTimings((String) stored.get("run"), at.longValue(), TimingsHistory.of(wrapped).current());
  }
}
