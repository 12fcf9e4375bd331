package dev.circlet.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.config.model.Schedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineSchedulesTest {
  static Pipeline pipeline(String defaultBranch, String... nameCronBranch) {
    Pipeline p = new Pipeline();
    p.getMetadata().setNamespace("team");
    p.getMetadata().setName("app");
    p.setSpec(new PipelineSpec());
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = "https://github.com/acme/app.git";
    p.getSpec().repository.defaultBranch = defaultBranch;
    for (int i = 0; i < nameCronBranch.length; i += 3) {
      PipelineSpec.Schedule s = new PipelineSpec.Schedule();
      s.name = nameCronBranch[i];
      s.cron = nameCronBranch[i + 1];
      s.branch = nameCronBranch[i + 2];
      p.getSpec().schedules.add(s);
    }
    return p;
  }

  static List<String> describe(List<ScheduleEntry> entries) {
    return entries.stream().map(e -> e.key() + "|" + e.scheduleName() + "|" + e.cron() + "|" + e.branch()).toList();
  }

  @Test
  void pipelineSchedulesBuildTheirBranchOrTheDefault() {
    List<String> problems = new ArrayList<>();
    var entries = PipelineSchedules.of(pipeline("trunk", "nightly", "0 2 * * *", null, "weekly", "@weekly", "release",
        "broken", "61 * * * *", null, "nightly", "0 3 * * *", null), List.of(), problems::add);
    assertThat(describe(entries)).containsExactly("nightly|nightly|0 2 * * *|trunk", "weekly|weekly|@weekly|release");
    assertThat(problems).containsExactly("team/app schedule broken: cron minute 61 is outside 0-59",
        "team/app: schedule nightly is named twice; the first one counts");
  }

  @Test
  void workflowSchedulesRunOnTheBranchesTheirFiltersNameLiterally() {
    List<String> problems = new ArrayList<>();
    var entries = PipelineSchedules.of(pipeline(null), List.of(
        new Schedule("nightly", "0 3 * * *", List.of("main", "release", "/feature-.*/"), List.of("release")),
        new Schedule("nightly", "0 4 * * *", List.of("main"), List.of()),
        new Schedule("default", "0 5 * * *", List.of(), List.of()),
        new Schedule("ignored", "0 5 * * *", List.of(), List.of("main"))), problems::add);
    assertThat(describe(entries)).containsExactly(
        "workflow:nightly@main|nightly|0 3 * * *|main",
        "workflow:nightly@main 0 4 * * *|nightly|0 4 * * *|main",
        "workflow:default@main|default|0 5 * * *|main");
    assertThat(problems).containsExactly("team/app workflow nightly: a scheduled workflow runs only on branches"
        + " named in 'only', not on the pattern /feature-.*/");
  }
}
