package dev.circlet.config.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Which top-level keys of a document define YAML anchors. Configs keep shared fragments under keys
 * of any name ({@code aliases:}, {@code defaults:}, {@code references:}); such a key is how YAML
 * is reused, not a mistake, so it deserves no "unknown key" warning.
 */
public final class AnchorLines {
  private AnchorLines() {}

  /** The keys of {@code root} whose value (up to the next top-level key) defines at least one anchor. */
  public static List<String> anchorKeys(String text, YMap root) {
    TreeSet<Integer> lines = new TreeSet<>();
    try {
      for (Event ev : new Parse(LoadSettings.builder().setUseMarks(true).build()).parseString(text)) {
        if (ev instanceof NodeEvent ne && ne.getAnchor().isPresent()) {
          ev.getStartMark().ifPresent(m -> lines.add(m.getLine() + 1));
        }
      }
    } catch (YamlEngineException e) {
      // The document already loaded once; a parser disagreement only means no key is excused.
      return List.of();
    }
    List<String> out = new ArrayList<>();
    List<YMap.Entry> entries = root.entries();
    for (int i = 0; i < entries.size(); i++) {
      int from = entries.get(i).keyPos().line();
      int to = i + 1 < entries.size() ? entries.get(i + 1).keyPos().line() : Integer.MAX_VALUE;
      Integer first = lines.ceiling(from);
      if (first != null && first < to) {
        out.add(entries.get(i).key());
      }
    }
    return out;
  }
}
