package dev.circlet.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The compact job summary (at most 4 KiB) that ends up in the primary's termination message. */
public final class Summary {
  public static final int MAX_BYTES = 4096;
  private static final int MAX_NAME = 48;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Summary() {}

  /**
   * {@code {"outcome":..,"steps":[{"n":..,"s":..,"ms":..,"x":..}]}}; when too large, names are cut
   * and then the middle steps dropped (first and last steps, where failures show, are kept),
   * recording how many were left out in {@code "omitted"}.
   */
  public static String toJson(String outcome, List<StepResult> steps) {
    int keep = steps.size();
    while (true) {
      String s = render(outcome, steps, keep);
      if (s.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES || keep == 0) {
        return s;
      }
      keep--;
    }
  }

  private static String render(String outcome, List<StepResult> steps, int keep) {
    ObjectNode root = JSON.createObjectNode();
    root.put("outcome", outcome);
    ArrayNode arr = root.putArray("steps");
    int head = keep / 2;
    int tail = keep - head;
    for (int i = 0; i < steps.size(); i++) {
      if (i >= head && i < steps.size() - tail) {
        continue;
      }
      StepResult r = steps.get(i);
      String name = r.name().length() > MAX_NAME ? r.name().substring(0, MAX_NAME) : r.name();
      arr.addObject().put("n", name).put("s", r.status()).put("ms", r.millis()).put("x", r.exitCode());
    }
    if (keep < steps.size()) {
      root.put("omitted", steps.size() - keep);
    }
    return root.toString();
  }
}
