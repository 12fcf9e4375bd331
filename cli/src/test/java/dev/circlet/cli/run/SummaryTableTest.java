package dev.circlet.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.runner.JobResult;
import dev.circlet.runner.local.JobOutcome;
import dev.circlet.runner.testing.JUnitReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTableTest {
  @Test
  void rendersOneRowPerJobWithDashesForJobsThatDidNotRun() {
    JobResult ran = new JobResult("build-and-test", "failed", List.of(), new JUnitReport.Totals(6, 5, 1, 0), List.of(), 65_400);
    String table = SummaryTable.render("ci", List.of(
        new JobOutcome("build-and-test", "failed", 65_400, 5, 1, ran),
        new JobOutcome("deploy", "blocked", 0, 0, 0, null)));
    assertThat(table).isEqualTo("""
        Workflow ci
        JOB             STATUS      DURATION  PASSED  FAILED
        build-and-test  failed          1m5s       5       1
        deploy          blocked            -       -       -
        """);
  }

  @Test
  void formatsDurations() {
    assertThat(SummaryTable.duration(999)).isEqualTo("999ms");
    assertThat(SummaryTable.duration(1500)).isEqualTo("1.5s");
    assertThat(SummaryTable.duration(125_000)).isEqualTo("2m5s");
  }
}
