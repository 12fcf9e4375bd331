package dev.circlet.cli.run;

import dev.circlet.runner.JobResult;
import dev.circlet.runner.StepResult;
import dev.circlet.runner.local.ErrorText;
import dev.circlet.runner.local.JobOutcome;
import java.util.List;

/**
 * The table printed at the end of {@code circlet run}: job, status, duration, tests passed/failed
 * ({@code -} when the job stored no test results), a row per node of a parallel job, and for what
 * failed the failing step and its exit code.
 */
public final class SummaryTable {
  private SummaryTable() {}

  public static String render(String workflow, List<JobOutcome> outcomes) {
    int w = "JOB".length();
    for (JobOutcome o : outcomes) {
      w = Math.max(w, o.job().length());
      if (o.nodes().size() > 1) {
        w = Math.max(w, ("  #" + (o.nodes().size() - 1)).length());
      }
    }
    String fmt = "%-" + w + "s  %-9s  %9s  %6s  %6s%s%n";
    StringBuilder sb = new StringBuilder();
    sb.append("Workflow ").append(workflow).append('\n');
    sb.append(String.format(fmt, "JOB", "STATUS", "DURATION", "PASSED", "FAILED", ""));
    for (JobOutcome o : outcomes) {
      boolean ran = !o.nodes().isEmpty();
      boolean tests = o.hasTests();
      String note = "";
      if (o.error() != null) {
        note = ErrorText.shorten(o.error());
      } else if (o.nodes().size() == 1) {
        note = failure(o.nodes().get(0));
      }
      sb.append(String.format(fmt, o.job(), o.status(), ran ? duration(o.millis()) : "-",
          tests ? Integer.toString(o.testsPassed()) : "-", tests ? Integer.toString(o.testsFailed()) : "-",
          note.isEmpty() ? "" : "  " + note));
      if (o.nodes().size() > 1) {
        for (int i = 0; i < o.nodes().size(); i++) {
          JobResult n = o.nodes().get(i);
          boolean nt = n.tests().tests() > 0;
          String nn = failure(n);
          sb.append(String.format(fmt, "  #" + i, n.outcome(), duration(n.millis()),
              nt ? Integer.toString(n.tests().passed()) : "-", nt ? Integer.toString(n.tests().failed()) : "-",
              nn.isEmpty() ? "" : "  " + nn));
        }
      }
    }
    return sb.toString();
  }

  /** {@code step "Test": exit 3} for a node that did not succeed, else empty. */
  static String failure(JobResult node) {
    if (node.success()) {
      return "";
    }
    return JobOutcome.failingStep(node).map(SummaryTable::describe).orElse("");
  }

  private static String describe(StepResult s) {
    String what = switch (s.status()) {
      case "timedout" -> "timed out (no output), exit " + s.exitCode();
      case "canceled" -> "canceled";
      default -> "exit " + s.exitCode();
    };
    return "step \"" + s.name() + "\": " + what;
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
