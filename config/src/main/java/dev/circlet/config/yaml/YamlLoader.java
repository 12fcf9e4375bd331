package dev.circlet.config.yaml;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Loads YAML text into a {@link YNode} tree: composes with snakeyaml-engine (which keeps marks),
 * resolves {@code <<} merge keys (snakeyaml-engine does not) and caps the size that aliases expand
 * to, so a billion-laughs document fails fast with a location instead of exhausting memory.
 */
public final class YamlLoader {
  /** Default cap on the number of values after alias expansion. */
  public static final long DEFAULT_MAX_EXPANDED = 250_000;

  private static final int MAX_ALIASES = 5_000;
  private static final int MAX_DEPTH = 300;

  private final String file;
  private final long maxExpanded;
  private final Map<Node, YNode> converted = new IdentityHashMap<>();
  private final Map<Node, Long> sizes = new IdentityHashMap<>();
  private final Map<Node, Boolean> inProgress = new IdentityHashMap<>();
  private long expanded;
  private final List<YMap.Entry> duplicates = new ArrayList<>();

  private YamlLoader(String file, long maxExpanded) {
    this.file = file;
    this.maxExpanded = maxExpanded;
  }

  /** Loads one YAML document; an empty document yields a null scalar. */
  public static YNode load(String text, String file) {
    return load(text, file, DEFAULT_MAX_EXPANDED, null);
  }

  /**
   * Loads with a cap on the expanded size; when {@code duplicateKeys} is not null, keys repeated
   * in one mapping (the last one wins) are added to it.
   */
  public static YNode load(String text, String file, long maxExpanded, List<YMap.Entry> duplicateKeys) {
    Optional<Node> root = compose(text, file, settings(file));
    if (root.isEmpty()) {
      return YScalar.of(null, Pos.of(file));
    }
    YamlLoader loader = new YamlLoader(file, maxExpanded);
    YNode out = loader.convert(root.get(), loader.posOf(root.get()), 0);
    if (duplicateKeys != null) {
      duplicateKeys.addAll(loader.duplicates);
    }
    return out;
  }

  private static LoadSettings settings(String file) {
    return LoadSettings.builder()
        .setLabel(file)
        .setSchema(new CoreSchema())
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setAllowRecursiveKeys(false)
        .setCodePointLimit(16 * 1024 * 1024)
        .setUseMarks(true)
        .build();
  }

  private static Optional<Node> compose(String text, String file, LoadSettings settings) {
    try {
      Parser parser = new NestingLimit(new ParserImpl(settings, new StreamReader(settings, text)), MAX_DEPTH, file);
      return new Composer(settings, parser).getSingleNode();
    } catch (MarkedYamlEngineException e) {
      Mark m = e.getProblemMark().or(e::getContextMark).orElse(null);
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      String context = e.getContext() != null ? e.getContext() + ": " : "";
      throw new ConfigError(pos(file, m), "invalid YAML: " + context + oneLine(problem));
    } catch (YamlEngineException e) {
      throw new ConfigError(locateAliasOverflow(text, settings, file), "invalid YAML: " + oneLine(e.getMessage()));
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }

  private static Pos pos(String file, Mark m) {
    return m == null ? Pos.of(file) : new Pos(file, m.getLine() + 1, m.getColumn() + 1);
  }

  /** snakeyaml-engine's alias limit carries no mark: find the alias that crossed it. */
  private static Pos locateAliasOverflow(String text, LoadSettings settings, String file) {
    int n = 0;
    try {
      for (Event ev : new Parse(settings).parseString(text)) {
        if (ev.getEventId() == Event.ID.Alias && ++n > MAX_ALIASES) {
          return pos(file, ev.getStartMark().orElse(null));
        }
      }
    } catch (YamlEngineException ignored) {
      // The parse error, if any, was already reported by the composer.
    }
    return Pos.of(file);
  }

  private Pos posOf(Node n) {
    return pos(file, n.getStartMark().orElse(null));
  }

  /**
   * Converts a node. {@code site} is where this occurrence appears in the source: for a re-used
   * (aliased) node its own marks point at the anchor, so errors name the place that used it.
   */
  private YNode convert(Node node, Pos site, int depth) {
    if (depth > MAX_DEPTH) {
      throw new ConfigError(site, "YAML nesting is deeper than " + MAX_DEPTH + " levels");
    }
    YNode done = converted.get(node);
    if (done != null) {
      count(sizes.get(node), site);
      return done;
    }
    if (inProgress.containsKey(node)) {
      throw new ConfigError(site, "YAML alias refers to itself (recursive structure)");
    }
    inProgress.put(node, Boolean.TRUE);
    long before = expanded;
    YNode result =
        switch (node) {
          case ScalarNode s -> scalar(s);
          case SequenceNode s -> sequence(s, depth);
          case MappingNode m -> mapping(m, depth);
          default -> throw new ConfigError(site, "unsupported YAML node");
        };
    count(1, site);
    inProgress.remove(node);
    converted.put(node, result);
    sizes.put(node, expanded - before);
    return result;
  }

  private void count(long n, Pos site) {
    expanded += n;
    if (expanded > maxExpanded) {
      throw new ConfigError(
          site,
          "YAML aliases expand to more than " + maxExpanded + " values (alias bomb?); refusing to load");
    }
  }

  private YScalar scalar(ScalarNode s) {
    Pos p = posOf(s);
    String text = s.getValue();
    if (s.getScalarStyle() != ScalarStyle.PLAIN) {
      return new YScalar(text, text, p);
    }
    Tag tag = s.getTag();
    try {
      if (tag.equals(Tag.NULL)) {
        return new YScalar(null, text, p);
      } else if (tag.equals(Tag.BOOL)) {
        return new YScalar(Boolean.parseBoolean(text.toLowerCase()), text, p);
      } else if (tag.equals(Tag.INT)) {
        return new YScalar(parseInt(text), text, p);
      } else if (tag.equals(Tag.FLOAT)) {
        return new YScalar(parseFloat(text), text, p);
      }
    } catch (NumberFormatException e) {
      return new YScalar(text, text, p);
    }
    return new YScalar(text, text, p);
  }

  private static Long parseInt(String t) {
    String s = t.startsWith("+") ? t.substring(1) : t;
    if (s.startsWith("0x")) {
      return Long.parseLong(s.substring(2), 16);
    } else if (s.startsWith("0o")) {
      return Long.parseLong(s.substring(2), 8);
    }
    return Long.parseLong(s);
  }

  private static Double parseFloat(String t) {
    String s = t.toLowerCase();
    if (s.endsWith(".nan")) {
      return Double.NaN;
    } else if (s.endsWith(".inf")) {
      return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return Double.parseDouble(t);
  }

  private YSeq sequence(SequenceNode s, int depth) {
    Pos p = posOf(s);
    List<YNode> items = new ArrayList<>(s.getValue().size());
    for (Node item : s.getValue()) {
      items.add(convert(item, converted.containsKey(item) ? p : posOf(item), depth + 1));
    }
    return new YSeq(items, p);
  }

  private YMap mapping(MappingNode m, int depth) {
    Pos p = posOf(m);
    List<YMap.Entry> own = new ArrayList<>();
    List<YMap.Entry> merged = new ArrayList<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw new ConfigError(posOf(t.getKeyNode()), "map keys must be plain values, not lists or maps");
      }
      Pos keyPos = posOf(k);
      Node v = t.getValueNode();
      YNode value = convert(v, converted.containsKey(v) ? keyPos : posOf(v), depth + 1);
      if ("<<".equals(k.getValue()) && k.getScalarStyle() == ScalarStyle.PLAIN) {
        mergeInto(merged, value, keyPos);
      } else {
        if (own.stream().anyMatch(o -> o.key().equals(k.getValue()))) {
          duplicates.add(new YMap.Entry(k.getValue(), keyPos, value));
        }
        own.add(new YMap.Entry(k.getValue(), keyPos, value));
      }
    }
    if (merged.isEmpty()) {
      return new YMap(own, p);
    }
    // Keys written in the mapping win over merged ones; among merges the first source wins,
    // as in the sequence form "<<: [*a, *b]". Several "<<" keys in one mapping all merge.
    java.util.Set<String> ownKeys = new java.util.HashSet<>();
    own.forEach(e -> ownKeys.add(e.key()));
    java.util.LinkedHashMap<String, YMap.Entry> all = new java.util.LinkedHashMap<>();
    for (YMap.Entry e : merged) {
      if (!ownKeys.contains(e.key())) {
        all.putIfAbsent(e.key(), e);
      }
    }
    List<YMap.Entry> out = new ArrayList<>(all.values());
    out.addAll(own);
    return new YMap(out, p);
  }

  private static void mergeInto(List<YMap.Entry> merged, YNode value, Pos keyPos) {
    if (value instanceof YMap map) {
      merged.addAll(map.entries());
    } else if (value instanceof YSeq seq) {
      for (YNode item : seq.items()) {
        if (!(item instanceof YMap map)) {
          throw new ConfigError(item.pos(), "merge key '<<' expects maps, got " + item.kind());
        }
        merged.addAll(map.entries());
      }
    } else {
      throw new ConfigError(keyPos, "merge key '<<' expects a map or a list of maps, got " + value.kind());
    }
  }
}
