package dev.circlet.config.yaml;

import java.util.List;

/** A YAML sequence. */
public record YSeq(List<YNode> items, Pos pos) implements YNode {
  public YSeq {
    items = List.copyOf(items);
  }
}
