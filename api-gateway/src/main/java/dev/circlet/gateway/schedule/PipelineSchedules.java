package dev.circlet.gateway.schedule;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.config.model.Schedule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The schedules of one Pipeline: its {@code spec.schedules}, and its config's workflow schedules on
 * each branch their filters name. A workflow schedule's {@code only} must name branches literally
 * (a pattern cannot be enumerated); without {@code only} it runs on the default branch. Pure: bad
 * crons and unusable filters are reported to {@code problems} and skipped.
 */
public final class PipelineSchedules {
  private PipelineSchedules() {}

  public static List<ScheduleEntry> of(Pipeline p, List<Schedule> workflowSchedules, Consumer<String> problems) {
    String ns = p.getMetadata().getNamespace();
    String name = p.getMetadata().getName();
    PipelineSpec spec = p.getSpec();
    List<ScheduleEntry> out = new ArrayList<>();
    if (spec == null) {
      return out;
    }
    String defaultBranch = defaultBranch(spec);
    String url = spec.repository == null ? null : spec.repository.url;
    Set<String> keys = new LinkedHashSet<>();
    for (PipelineSpec.Schedule s : spec.schedules == null ? List.<PipelineSpec.Schedule>of() : spec.schedules) {
      if (s == null || s.name == null || s.name.isBlank()) {
        problems.accept(ns + "/" + name + ": a schedule has no name");
        continue;
      }
      if (!keys.add(s.name)) {
        problems.accept(ns + "/" + name + ": schedule " + s.name + " is named twice; the first one counts");
        continue;
      }
      CronExpression cron = cron(ns + "/" + name + " schedule " + s.name, s.cron, problems);
      if (cron != null) {
        String branch = s.branch == null || s.branch.isBlank() ? defaultBranch : s.branch;
        out.add(new ScheduleEntry(ns, name, s.name, s.name, cron, branch, url));
      }
    }
    for (Schedule s : workflowSchedules) {
      String where = ns + "/" + name + " workflow " + s.workflow();
      CronExpression cron = cron(where, s.cron(), problems);
      if (cron == null) {
        continue;
      }
      for (String branch : branches(s, defaultBranch, where, problems)) {
        String key = ScheduleEntry.workflowKey(s.workflow(), branch);
        if (!keys.add(key)) {
          // The same workflow with a second cron on that branch: a key of its own.
          key = key + " " + cron.text();
          if (!keys.add(key)) {
            continue;
          }
        }
        out.add(new ScheduleEntry(ns, name, key, s.workflow(), cron, branch, url));
      }
    }
    return out;
  }

  private static List<String> branches(Schedule s, String defaultBranch, String where, Consumer<String> problems) {
    List<String> out = new ArrayList<>();
    if (s.onlyBranches().isEmpty()) {
      out.add(defaultBranch);
    }
    for (String b : s.onlyBranches()) {
      if (b.length() >= 2 && b.startsWith("/") && b.endsWith("/")) {
        problems.accept(where + ": a scheduled workflow runs only on branches named in 'only', not on the pattern " + b);
      } else {
        out.add(b);
      }
    }
    out.removeIf(b -> s.ignoreBranches().contains(b));
    return out;
  }

  private static CronExpression cron(String where, String text, Consumer<String> problems) {
    try {
      return CronExpression.parse(text);
    } catch (IllegalArgumentException e) {
      problems.accept(where + ": " + e.getMessage());
      return null;
    }
  }

  static String defaultBranch(PipelineSpec spec) {
    var repo = spec.repository;
    return repo == null || repo.defaultBranch == null || repo.defaultBranch.isBlank() ? "main" : repo.defaultBranch;
  }
}
