package dev.circlet.runner.local;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Merges the notices of a job's parallel nodes into console lines: a notice every node shares is
 * printed once as {@code [job] notice: ...}; one that differs carries its node, {@code [job#i] notice: ...}.
 * Each message starts with its kind ({@code notice: }, {@code warning: }).
 */
public final class JobNotices {
  private JobNotices() {}

  /** @param perNode the notices of node 0, 1, ... in the order they were found */
  public static List<String> lines(String job, List<List<String>> perNode) {
    Set<String> all = new LinkedHashSet<>();
    perNode.forEach(all::addAll);
    List<String> out = new ArrayList<>();
    for (String message : all) {
      if (perNode.size() <= 1 || perNode.stream().allMatch(n -> n.contains(message))) {
        out.add("[" + job + "] " + message);
        continue;
      }
      for (int i = 0; i < perNode.size(); i++) {
        if (perNode.get(i).contains(message)) {
          out.add("[" + job + "#" + i + "] " + message);
        }
      }
    }
    return out;
  }
}
