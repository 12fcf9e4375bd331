package dev.circlet.runner.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** {@code circleci tests split}: this node's share of a list of tests by name, file size or timings. */
public final class TestSplitter {
  private TestSplitter() {}

  /** Splits by name: sorted names dealt round-robin. */
  public static List<String> byName(List<String> items, int index, int total) {
    check(index, total);
    List<String> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.naturalOrder());
    List<String> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      if (i % total == index) {
        out.add(sorted.get(i));
      }
    }
    return out;
  }

  /**
   * Splits by weight (file size or seconds): heaviest first onto the lightest node. Items without
   * a weight count as the average known weight (1 when none is known).
   */
  public static List<String> byWeight(List<String> items, Map<String, Double> weights, int index, int total) {
    check(index, total);
    double avg = items.stream().filter(weights::containsKey).mapToDouble(weights::get).average().orElse(1);
    ToDoubleFunction<String> w = s -> weights.getOrDefault(s, avg);
    List<String> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparingDouble(w).reversed().thenComparing(Comparator.naturalOrder()));
    double[] load = new double[total];
    List<List<String>> buckets = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      buckets.add(new ArrayList<>());
    }
    for (String s : sorted) {
      int best = 0;
      for (int i = 1; i < total; i++) {
        if (load[i] < load[best]) {
          best = i;
        }
      }
      load[best] += w.applyAsDouble(s);
      buckets.get(best).add(s);
    }
    List<String> mine = buckets.get(index);
    mine.sort(Comparator.naturalOrder());
    return mine;
  }

  private static void check(int index, int total) {
    if (total < 1 || index < 0 || index >= total) {
      throw new IllegalArgumentException("node index " + index + " is outside 0.." + (total - 1));
    }
  }
}
