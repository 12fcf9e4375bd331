package dev.circlet.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * Follows a pipeline run until it ends, showing its workflows' jobs: redrawn in place on a
 * terminal, printed again whenever something changed otherwise (logs stay readable in CI).
 */
final class Watch {
  private final GatewayClient client;
  private final PrintWriter out;
  private final PrintWriter terminal;
  private final Duration interval;

  Watch(GatewayClient client, PrintWriter out, PrintWriter terminal, Duration interval) {
    this.client = client;
    this.out = out;
    this.terminal = terminal;
    this.interval = interval;
  }

  /** Exit code 0 when the run succeeded, 1 otherwise. */
  int until(long runId) {
    return until(runId, null);
  }

  /** Like {@link #until(long)}, first waiting for {@code workflow} to appear in the run (a rerun). */
  int until(long runId, String workflow) {
    List<String> shown = List.of();
    while (true) {
      JsonNode run = client.get("/api/v1/runs/" + runId);
      List<String> view = Views.run(run);
      if (!view.equals(shown)) {
        if (terminal != null && !shown.isEmpty()) {
          terminal.print("\u001b[" + shown.size() + "A\u001b[J");
          terminal.flush();
        }
        view.forEach(out::println);
        out.flush();
        shown = view;
      }
      boolean present = workflow == null;
      for (JsonNode w : run.path("workflows")) {
        present |= workflow != null && workflow.equals(w.path("name").asText());
      }
      String status = run.path("status").asText();
      if (present && Views.FINAL.contains(status)) {
        return "success".equals(status) ? 0 : 1;
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
    }
  }
}
