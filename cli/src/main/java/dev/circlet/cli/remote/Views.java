package dev.circlet.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Text views of the gateway's answers: runs, a run's workflows and jobs, a Build and its steps. */
public final class Views {
  /** Run statuses after which nothing changes any more. */
  public static final Set<String> FINAL = Set.of("success", "failed", "canceled", "invalid_config", "filtered");

  private Views() {}

  /** One line per run of a runs page. */
  public static List<String> runs(JsonNode page) {
    List<String> out = new ArrayList<>();
    out.add(String.format("%-8s %-30s %-6s %-20s %-10s %s", "ID", "PIPELINE", "NUMBER", "BRANCH/TAG", "STATUS",
        "CREATED"));
    for (JsonNode r : page.path("items")) {
      String ref = !r.path("tag").isNull() && r.hasNonNull("tag") ? "tag " + r.get("tag").asText()
          : text(r, "branch");
      out.add(String.format("%-8s %-30s %-6s %-20s %-10s %s", text(r, "id"),
          text(r, "namespace") + "/" + text(r, "pipeline"), text(r, "number"), ref, text(r, "status"),
          text(r, "createdAt")));
    }
    return out;
  }

  /** A run with each workflow's jobs: a mark, the state, the Build and the duration. */
  public static List<String> run(JsonNode run) {
    List<String> out = new ArrayList<>();
    JsonNode p = run.path("pipeline");
    out.add("run " + text(run, "id") + " (" + text(p, "namespace") + "/" + text(p, "name") + " #"
        + text(run, "number") + "): " + text(run, "status")
        + (run.hasNonNull("reason") ? " (" + run.get("reason").asText() + ")" : ""));
    for (JsonNode w : run.path("workflows")) {
      out.addAll(workflow(w));
    }
    return out;
  }

  public static List<String> workflow(JsonNode w) {
    List<String> out = new ArrayList<>();
    out.add("  workflow " + text(w, "workflow") + " " + text(w, "namespace") + "/" + text(w, "name") + ": "
        + text(w, "phase"));
    for (JsonNode j : w.path("jobs")) {
      String state = text(j, "state");
      out.add(String.format("    %-6s %-30s %-10s %-8s %s", mark(state), text(j, "name"), state,
          duration(j.path("durationMs")), j.hasNonNull("build") ? j.get("build").asText() : ""));
    }
    return out;
  }

  /** A Build with its steps. */
  public static List<String> build(JsonNode b) {
    List<String> out = new ArrayList<>();
    out.add("build " + text(b, "namespace") + "/" + text(b, "name") + " (job " + text(b, "job") + "): "
        + text(b, "phase"));
    if (b.hasNonNull("queueReason")) {
      out.add("  waiting: " + b.get("queueReason").asText());
    }
    if (b.hasNonNull("exitSummary")) {
      out.add("  " + b.get("exitSummary").asText());
    }
    for (JsonNode s : b.path("steps")) {
      out.add(String.format("  %3s %-6s %-40s %-8s %s", text(s, "index"), mark(text(s, "status")), text(s, "name"),
          duration(s.path("durationMs")), s.hasNonNull("exitCode") ? "exit " + s.get("exitCode").asInt() : ""));
    }
    return out;
  }

  /** A short mark for a job, step or Build state. */
  static String mark(String state) {
    return switch (state == null ? "" : state.toLowerCase(java.util.Locale.ROOT)) {
      case "succeeded", "success", "passed" -> "[ok]";
      case "failed", "timedout", "error" -> "[FAIL]";
      case "canceled" -> "[stop]";
      case "running" -> "[..]";
      case "onhold" -> "[hold]";
      case "notrun" -> "[skip]";
      default -> "[  ]";
    };
  }

  /** 850ms, 3.5s, 2m05s, 1h02m. */
  static String duration(JsonNode ms) {
    if (ms == null || !ms.isNumber()) {
      return "";
    }
    long v = ms.asLong();
    if (v < 1000) {
      return v + "ms";
    }
    if (v < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1fs", v / 1000.0);
    }
    long s = v / 1000;
    if (s < 3600) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? "-" : v.asText();
  }
}
