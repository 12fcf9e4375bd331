package dev.circlet.operator.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time spent by this JVM and by the control-plane processes it started, so a benchmark phase
 * can say where the machine's cores went (API server, etcd, the operator's JVM, the rest).
 */
final class CpuMeter {
  static final String JVM = "this JVM (operator + client)";
  static final String OTHER = "scheduler, controller-manager, kwok";

  /** CPU seconds per part at this moment. */
  static Map<String, Double> sample() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("kube-apiserver", 0.0);
    out.put("etcd", 0.0);
    out.put(JVM, seconds(ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO)));
    out.put(OTHER, 0.0);
    ProcessHandle.current().descendants().forEach(p -> {
      String command = p.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("");
      double cpu = seconds(p.info().totalCpuDuration().orElse(Duration.ZERO));
      String part = switch (command) {
        case "kube-apiserver", "etcd" -> command;
        default -> OTHER;
      };
      out.merge(part, cpu, Double::sum);
    });
    return out;
  }

  /** CPU seconds each part used between two samples. */
  static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> out = new LinkedHashMap<>();
    after.forEach((part, cpu) -> out.put(part, cpu - before.getOrDefault(part, 0.0)));
    return out;
  }

  /** One line: CPU milliseconds per object for each part, and the total. */
  static String perObject(Map<String, Double> used, int objects) {
    StringBuilder line = new StringBuilder();
    double total = 0;
    for (var e : used.entrySet()) {
      total += e.getValue();
      line.append(String.format("%s %.2f, ", e.getKey(), 1000 * e.getValue() / objects));
    }
    return line.append(String.format("total %.2f CPU ms per object", 1000 * total / objects)).toString();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private CpuMeter() {}
}
