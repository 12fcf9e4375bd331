package dev.circlet.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts writes as the API server itself does ({@code apiserver_request_total} from its
 * {@code /metrics}), by verb and resource, so a benchmark phase can say how many writes each
 * Build cost whoever made them.
 */
final class ApiWrites {
  static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "DELETE", "APPLY");
  private static final Pattern LINE = Pattern.compile("^apiserver_request_total\\{([^}]*)} ([0-9.e+]+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private ApiWrites() {}

  /** Write requests so far, keyed {@code VERB resource[/subresource]}; empty when /metrics is not served. */
  static Map<String, Double> sample(KubernetesClient client) {
    String text;
    try {
      text = client.raw("/metrics");
    } catch (RuntimeException e) {
      return Map.of();
    }
    return parse(text == null ? "" : text);
  }

  /** The write counters of a Prometheus text exposition. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : text.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new TreeMap<>();
      Matcher l = LABEL.matcher(m.group(1));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      String verb = labels.getOrDefault("verb", "");
      if (!WRITE_VERBS.contains(verb)) {
        continue;
      }
      String sub = labels.getOrDefault("subresource", "");
      String key = verb + " " + labels.getOrDefault("resource", "") + (sub.isEmpty() ? "" : "/" + sub);
      out.merge(key, Double.parseDouble(m.group(2)), Double::sum);
    }
    return out;
  }

  /** The writes made between two samples, per kind, dropping kinds with none. */
  static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> out = new TreeMap<>();
    after.forEach((k, v) -> {
      double d = v - before.getOrDefault(k, 0.0);
      if (d > 0) {
        out.put(k, d);
      }
    });
    return out;
  }

  /** Lines of writes per object, and their total. */
  static String perObject(Map<String, Double> writes, int objects) {
    StringBuilder out = new StringBuilder();
    double total = 0;
    for (var e : writes.entrySet()) {
      total += e.getValue();
      out.append(String.format("  %-40s %6.2f%n", e.getKey(), e.getValue() / objects));
    }
    return out.append(String.format("  %-40s %6.2f", "total writes per Build", total / objects)).toString();
  }
}
