package dev.circlet.config.yaml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML mapping with string keys, in source order, with the position of each key. */
public final class YMap implements YNode {
  /** One key/value pair. */
  public record Entry(String key, Pos keyPos, YNode value) {}

  private final Map<String, Entry> entries;
  private final Pos pos;

  public YMap(List<Entry> list, Pos pos) {
    Map<String, Entry> m = new LinkedHashMap<>();
    for (Entry e : list) {
      m.put(e.key(), e);
    }
    this.entries = Collections.unmodifiableMap(m);
    this.pos = pos;
  }

  @Override
  public Pos pos() {
    return pos;
  }

  public YNode get(String key) {
    Entry e = entries.get(key);
    return e == null ? null : e.value();
  }

  public Entry entry(String key) {
    return entries.get(key);
  }

  public boolean has(String key) {
    return entries.containsKey(key);
  }

  public List<Entry> entries() {
    return new ArrayList<>(entries.values());
  }

  public Iterable<String> keys() {
    return entries.keySet();
  }

  public int size() {
    return entries.size();
  }

  /** A copy without the given keys. */
  public YMap without(java.util.Set<String> keys) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (!keys.contains(e.key())) {
        out.add(e);
      }
    }
    return new YMap(out, pos);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof YMap other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "YMap" + entries.values();
  }
}
