package dev.circlet.config.params;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.yaml.Pos;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** One declared parameter: its type, default (null when required) and enum values. */
public record ParamSpec(String name, ParamType type, YNode defaultValue, List<String> enumValues, Pos pos) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final Set<String> KEYS = Set.of("type", "default", "description", "enum");

  public boolean required() {
    return defaultValue == null;
  }

  /**
   * Parses a {@code parameters:} block. {@code pipelineLevel} restricts the types to those that
   * pipeline parameters may have. Problems are reported; bad declarations are left out.
   */
  public static Map<String, ParamSpec> parseAll(YNode node, boolean pipelineLevel, Diags d) {
    Map<String, ParamSpec> out = new LinkedHashMap<>();
    if (node == null || node instanceof YScalar s && s.isNull()) {
      return out;
    }
    if (!(node instanceof YMap map)) {
      d.error(node.pos(), "parameters must be a map of name to declaration, got " + node.kind());
      return out;
    }
    for (YMap.Entry e : map.entries()) {
      ParamSpec spec = parseOne(e, pipelineLevel, d);
      if (spec != null) {
        out.put(spec.name(), spec);
      }
    }
    return out;
  }

  private static ParamSpec parseOne(YMap.Entry e, boolean pipelineLevel, Diags d) {
    if (!NAME.matcher(e.key()).matches()) {
      d.error(e.keyPos(), "parameter name '" + e.key() + "' must match [A-Za-z][A-Za-z0-9_-]*");
      return null;
    }
    if (!(e.value() instanceof YMap decl)) {
      d.error(e.value().pos(), "parameter '" + e.key() + "' must be a map with a type");
      return null;
    }
    for (YMap.Entry k : decl.entries()) {
      if (!KEYS.contains(k.key())) {
        d.warn(k.keyPos(), "unknown key '" + k.key() + "' in parameter '" + e.key() + "' is ignored");
      }
    }
    YNode typeNode = decl.get("type");
    if (!(typeNode instanceof YScalar ts) || !ts.isString()) {
      d.error(typeNode == null ? decl.pos() : typeNode.pos(), "parameter '" + e.key() + "' needs a type");
      return null;
    }
    ParamType type = ParamType.of(ts.text());
    if (type == null
        || pipelineLevel
            && !(type == ParamType.STRING || type == ParamType.BOOLEAN || type == ParamType.INTEGER
                || type == ParamType.ENUM)) {
      d.error(ts.pos(), "parameter '" + e.key() + "' has unsupported type '" + ts.text() + "'");
      return null;
    }
    List<String> enums = new ArrayList<>();
    if (type == ParamType.ENUM) {
      YNode en = decl.get("enum");
      if (!(en instanceof YSeq seq) || seq.items().isEmpty()) {
        d.error(en == null ? decl.pos() : en.pos(), "enum parameter '" + e.key() + "' needs a non-empty 'enum' list");
        return null;
      }
      for (YNode item : seq.items()) {
        if (item instanceof YScalar s) {
          enums.add(s.text());
        } else {
          d.error(item.pos(), "enum values must be scalars");
        }
      }
    }
    ParamSpec spec = new ParamSpec(e.key(), type, decl.get("default"), List.copyOf(enums), e.keyPos());
    if (spec.defaultValue() != null) {
      YNode checked = ParamBinder.check(spec, spec.defaultValue(), "default of parameter", d);
      return checked == null ? null : new ParamSpec(spec.name(), type, checked, spec.enumValues(), spec.pos());
    }
    return spec;
  }
}
