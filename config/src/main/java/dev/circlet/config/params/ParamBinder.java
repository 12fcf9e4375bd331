package dev.circlet.config.params;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.yaml.Pos;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Binds the arguments of an invocation to declared parameters, with type and required checks. */
public final class ParamBinder {
  private static final Pattern ENV_VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private ParamBinder() {}

  /**
   * Returns parameter name → typed value. Unknown arguments, missing required parameters and
   * values of the wrong type are reported; the result then lacks those names.
   */
  public static Map<String, YNode> bind(
      Map<String, ParamSpec> specs, List<YMap.Entry> args, String owner, Pos callPos, Diags d) {
    Map<String, YNode> values = new LinkedHashMap<>();
    Map<String, YMap.Entry> given = new LinkedHashMap<>();
    for (YMap.Entry a : args) {
      if (!specs.containsKey(a.key())) {
        d.error(a.keyPos(), "unknown parameter '" + a.key() + "' for " + owner + knownList(specs));
      } else {
        given.put(a.key(), a);
      }
    }
    for (ParamSpec spec : specs.values()) {
      YMap.Entry a = given.get(spec.name());
      if (a == null) {
        if (spec.required()) {
          d.error(callPos, "missing required parameter '" + spec.name() + "' of " + owner);
        } else {
          values.put(spec.name(), spec.defaultValue());
        }
        continue;
      }
      YNode v = check(spec, a.value(), "parameter", d);
      if (v != null) {
        values.put(spec.name(), v);
      } else if (!spec.required()) {
        // Already reported; the default keeps later references from cascading into more errors.
        values.put(spec.name(), spec.defaultValue());
      }
    }
    return values;
  }

  private static String knownList(Map<String, ParamSpec> specs) {
    return specs.isEmpty() ? " (it takes no parameters)" : " (known: " + String.join(", ", specs.keySet()) + ")";
  }

  /** Checks one value against its declaration; returns the normalised value or null. */
  static YNode check(ParamSpec spec, YNode v, String what, Diags d) {
    String label = what + " '" + spec.name() + "'";
    switch (spec.type()) {
      case STRING -> {
        if (v instanceof YScalar s) {
          return new YScalar(s.isNull() ? "" : s.text(), s.isNull() ? "" : s.text(), s.pos());
        }
      }
      case BOOLEAN -> {
        if (v instanceof YScalar s && s.value() instanceof Boolean) {
          return v;
        }
      }
      case INTEGER -> {
        if (v instanceof YScalar s && s.value() instanceof Long) {
          return v;
        }
      }
      case ENUM -> {
        if (v instanceof YScalar s) {
          if (spec.enumValues().contains(s.text())) {
            return new YScalar(s.text(), s.text(), s.pos());
          }
          d.error(v.pos(), label + ": value '" + s.text() + "' is not one of " + spec.enumValues());
          return null;
        }
      }
      case ENV_VAR_NAME -> {
        if (v instanceof YScalar s && s.isString()) {
          if (ENV_VAR.matcher(s.text()).matches()) {
            return v;
          }
          d.error(v.pos(), label + ": '" + s.text() + "' is not a valid environment variable name");
          return null;
        }
      }
      case STEPS -> {
        if (v instanceof YSeq) {
          return v;
        }
        if (v instanceof YScalar s && s.isNull()) {
          return new YSeq(List.of(), v.pos());
        }
      }
      case EXECUTOR -> {
        if (v instanceof YMap || v instanceof YScalar s && s.isString()) {
          return v;
        }
      }
    }
    d.error(v.pos(), label + " must be " + expected(spec.type()) + ", got " + v.kind());
    return null;
  }

  private static String expected(ParamType t) {
    return switch (t) {
      case STRING, ENV_VAR_NAME -> "a string";
      case BOOLEAN -> "a boolean";
      case INTEGER -> "an integer";
      case ENUM -> "one of the enum values";
      case STEPS -> "a list of steps";
      case EXECUTOR -> "an executor name or {name: ..., parameters}";
    };
  }

  /** Converts a pipeline parameter given as text (CLI, API) to its declared type. */
  public static YNode coerceGiven(ParamSpec spec, Object given, Pos pos) {
    if (given instanceof YNode n) {
      return n;
    }
    if (given instanceof String s) {
      if (spec.type() == ParamType.BOOLEAN && (s.equals("true") || s.equals("false"))) {
        return new YScalar(Boolean.parseBoolean(s), s, pos);
      }
      if (spec.type() == ParamType.INTEGER && s.matches("[-+]?\\d{1,18}")) {
        return new YScalar(Long.parseLong(s), s, pos);
      }
      return new YScalar(s, s, pos);
    }
    if (given instanceof Integer i) {
      return YScalar.of(i.longValue(), pos);
    }
    return YScalar.of(given, pos);
  }
}
