package dev.circlet.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes counted by the API server itself ({@code apiserver_request_total} on {@code /metrics}):
 * POST, PUT, PATCH and DELETE per resource and subresource, so a benchmark phase can report the
 * API writes each Build cost without trusting the client's own bookkeeping.
 */
final class ApiWrites {
  private static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final Pattern LINE = Pattern.compile("^apiserver_request_total\\{([^}]*)}\\s+(\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private ApiWrites() {}

  /** Writes so far, keyed {@code resource[/subresource] VERB}. */
  static Map<String, Double> sample(KubernetesClient client) {
    return parse(client.raw("/metrics"));
  }

  static Map<String, Double> parse(String metrics) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : metrics.split("\n")) {
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new TreeMap<>();
      Matcher l = LABEL.matcher(m.group(1));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      String verb = labels.getOrDefault("verb", "");
      if (!WRITE_VERBS.contains(verb) || !labels.getOrDefault("dry_run", "").isEmpty()) {
        continue;
      }
      String sub = labels.getOrDefault("subresource", "");
      String key = labels.getOrDefault("resource", "?") + (sub.isEmpty() ? "" : "/" + sub) + " " + verb;
      out.merge(key, Double.parseDouble(m.group(2)), Double::sum);
    }
    return out;
  }

  /** What changed between two samples; keys without change are left out. */
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

  static double total(Map<String, Double> writes) {
    return writes.values().stream().mapToDouble(Double::doubleValue).sum();
  }
}
