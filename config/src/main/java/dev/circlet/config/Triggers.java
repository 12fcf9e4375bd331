package dev.circlet.config;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.compile.Nodes;
import dev.circlet.config.logic.BoundedRegex;
import dev.circlet.config.model.Schedule;
import dev.circlet.config.yaml.Pos;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YSeq;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads legacy workflow {@code triggers: - schedule: {cron, filters}} (cron in UTC). */
final class Triggers {
  private static final Pattern CRON = Pattern.compile("\\S+(\\s+\\S+){4}");

  private Triggers() {}

  static List<Schedule> schedules(String workflow, YNode triggers, Diags d) {
    List<Schedule> out = new ArrayList<>();
    if (!(triggers instanceof YSeq seq)) {
      d.error(triggers.pos(), "triggers must be a list of {schedule: {cron, filters}}");
      return out;
    }
    for (YNode t : seq.items()) {
      if (!(t instanceof YMap m) || !(m.get("schedule") instanceof YMap s)) {
        d.error(t.pos(), "a trigger must be {schedule: {cron, filters}}");
        continue;
      }
      String cron = Nodes.text(s, "cron", d);
      if (cron == null || !CRON.matcher(cron.trim()).matches()) {
        d.error(s.has("cron") ? s.get("cron").pos() : s.pos(), "schedule needs 'cron' with five fields (minute hour day month weekday, UTC)");
        continue;
      }
      List<String> only = List.of();
      List<String> ignore = List.of();
      if (s.get("filters") instanceof YMap f && f.get("branches") instanceof YMap b) {
        only = orEmpty(Nodes.textList(b.get("only"), "'only'", d));
        ignore = orEmpty(Nodes.textList(b.get("ignore"), "'ignore'", d));
      } else {
        d.error(s.pos(), "a schedule needs filters.branches (which branches it runs on)");
      }
      out.add(new Schedule(workflow, cron.trim(), only, ignore));
    }
    return out;
  }

  private static List<String> orEmpty(List<String> l) {
    return l == null ? List.of() : l;
  }

  /** Whether the schedule's branch filters admit {@code branch}; pattern problems are reported at {@code pos}. */
  static boolean admits(Schedule s, String branch, Pos pos, Diags d) {
    boolean only = s.onlyBranches().isEmpty() || s.onlyBranches().stream().anyMatch(p -> matches(p, branch, pos, d));
    return only && s.ignoreBranches().stream().noneMatch(p -> matches(p, branch, pos, d));
  }

  private static boolean matches(String pattern, String name, Pos pos, Diags d) {
    if (pattern.length() >= 2 && pattern.startsWith("/") && pattern.endsWith("/")) {
      return BoundedRegex.matches(pattern.substring(1, pattern.length() - 1), name, pos, d);
    }
    return pattern.equals(name);
  }
}
