package dev.circlet.cli.run;

import dev.circlet.runner.local.JobOutcome;
import java.util.List;

/** The table printed at the end of {@code circlet run}: job, status, duration, tests passed/failed. */
public final class SummaryTable {
  private SummaryTable() {}

  public static String render(String workflow, List<JobOutcome> outcomes) {
    int w = "JOB".length();
    for (JobOutcome o : outcomes) {
      w = Math.max(w, o.job().length());
    }
    String fmt = "%-" + w + "s  %-9s  %9s  %6s  %6s%n";
    StringBuilder sb = new StringBuilder();
    sb.append("Workflow ").append(workflow).append('\n');
    sb.append(String.format(fmt, "JOB", "STATUS", "DURATION", "PASSED", "FAILED"));
    for (JobOutcome o : outcomes) {
      boolean ran = o.detail() != null;
      sb.append(String.format(fmt, o.job(), o.status(), ran ? duration(o.millis()) : "-",
          ran ? Integer.toString(o.testsPassed()) : "-", ran ? Integer.toString(o.testsFailed()) : "-"));
    }
    return sb.toString();
  }

  static String duration(long ms) {
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return String.format("%.1fs", ms / 1000.0);
    }
    return (ms / 60_000) + "m" + (ms % 60_000) / 1000 + "s";
  }
}
