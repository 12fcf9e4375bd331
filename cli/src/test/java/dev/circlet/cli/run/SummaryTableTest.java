package dev.circlet.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.runner.JobResult;
import dev.circlet.runner.StepResult;
import dev.circlet.runner.local.JobOutcome;
import dev.circlet.runner.testing.JUnitReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTableTest {
  static final JUnitReport.Totals NO_TESTS = new JUnitReport.Totals(0, 0, 0, 0);

  static JobResult node(String job, String outcome, long ms, JUnitReport.Totals tests, StepResult... steps) {
    return new JobResult(job, outcome, List.of(steps), tests, List.of(), ms);
  }

  @Test
  void namesTheFailingStepAndShowsDashesWhereNothingRanOrNoTestsWereStored() {
    JobResult failed = node("build-and-test", "failed", 65_400, new JUnitReport.Totals(6, 5, 1, 0),
        new StepResult(1, "Checkout", "success", 10, 0), new StepResult(2, "Test", "failed", 60_000, 3),
        new StepResult(3, "Deploy", "skipped", 0, 0));
    JobResult lint = node("lint", "success", 1_500, NO_TESTS, new StepResult(1, "Lint", "success", 1_500, 0));
    String table = SummaryTable.render("ci", List.of(
        new JobOutcome("build-and-test", "failed", 65_400, List.of(failed), null),
        new JobOutcome("lint", "success", 1_500, List.of(lint), null),
        new JobOutcome("odd", "failed", 0, List.of(), "working_directory / is a system directory"),
        JobOutcome.withoutSteps("deploy", "blocked")));
    assertThat(table).isEqualTo("""
        Workflow ci
        JOB             STATUS      DURATION  PASSED  FAILED
        build-and-test  failed          1m5s       5       1  step "Test": exit 3
        lint            success         1.5s       -       -
        odd             failed             -       -       -  working_directory / is a system directory
        deploy          blocked            -       -       -
        """);
  }

  @Test
  void aParallelJobShowsEachNode() {
    JobResult n0 = node("t", "success", 2_000, new JUnitReport.Totals(3, 3, 0, 0));
    JobResult n1 = node("t", "timedout", 3_000, NO_TESTS, new StepResult(1, "Slow", "timedout", 3_000, 137));
    JobResult n2 = node("t", "canceled", 1_000, NO_TESTS, new StepResult(1, "Slow", "canceled", 1_000, 130));
    String table = SummaryTable.render("ci", List.of(new JobOutcome("t", "timedout", 3_000, List.of(n0, n1, n2), null)));
    assertThat(table).isEqualTo("""
        Workflow ci
        JOB   STATUS      DURATION  PASSED  FAILED
        t     timedout        3.0s       3       0
          #0  success         2.0s       3       0
          #1  timedout        3.0s       -       -  step "Slow": timed out (no output), exit 137
          #2  canceled        1.0s       -       -  step "Slow": canceled
        """);
  }

  @Test
  void formatsDurations() {
    assertThat(SummaryTable.duration(999)).isEqualTo("999ms");
    assertThat(SummaryTable.duration(1500)).isEqualTo("1.5s");
    assertThat(SummaryTable.duration(125_000)).isEqualTo("2m5s");
  }
}
