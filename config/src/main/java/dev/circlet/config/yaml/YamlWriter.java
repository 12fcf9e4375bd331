package dev.circlet.config.yaml;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes maps, lists and scalars as block YAML in a stable, readable form: multi-line strings as
 * literal blocks, strings that would read back as another type or break the syntax double-quoted.
 */
public final class YamlWriter {
  private static final Pattern SAFE_PLAIN = Pattern.compile("[A-Za-z0-9_./~$(\\[{<][^\\t]*");
  private static final Pattern LOOKS_TYPED =
      Pattern.compile(
          "(?i)(null|~|true|false|yes|no|on|off|y|n|[-+]?(\\d[\\d_]*)?(\\.\\d*)?([eE][-+]?\\d+)?|0x[0-9a-f]+|0o[0-7]+|[-+]?\\.(inf|nan))");

  private final StringBuilder out = new StringBuilder();

  private YamlWriter() {}

  public static String write(Object value) {
    YamlWriter w = new YamlWriter();
    w.value(value, 0, false);
    return w.out.toString();
  }

  private void value(Object v, int indent, boolean inline) {
    if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        out.append(inline ? " {}\n" : "{}\n");
        return;
      }
      if (inline) {
        out.append('\n');
      }
      mapBody(m, indent, true);
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        out.append(inline ? " []\n" : "[]\n");
        return;
      }
      if (inline) {
        out.append('\n');
      }
      for (Object item : l) {
        pad(indent);
        out.append("- ");
        if (item instanceof Map<?, ?> im && !im.isEmpty()) {
          // First key on the dash line, the rest aligned under it.
          mapBody(im, indent + 2, false);
        } else if (item instanceof List<?>) {
          value(item, indent + 2, true);
        } else {
          scalarValue(item, indent + 2);
        }
      }
    } else {
      scalarValue(v, indent);
    }
  }

  private void mapBody(Map<?, ?> m, int indent, boolean padFirst) {
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (padFirst || !first) {
        pad(indent);
      }
      first = false;
      out.append(scalar(String.valueOf(e.getKey()))).append(':');
      Object child = e.getValue();
      if (child instanceof Map<?, ?> || child instanceof List<?>) {
        value(child, indent + 2, true);
      } else {
        out.append(' ');
        scalarValue(child, indent + 2);
      }
    }
  }

  private void pad(int n) {
    out.append(" ".repeat(n));
  }

  private void scalarValue(Object v, int indent) {
    if (v == null) {
      out.append("null\n");
    } else if (v instanceof Boolean || v instanceof Number) {
      out.append(v).append('\n');
    } else {
      String s = v.toString();
      if (s.contains("\n") && !s.contains("\r") && s.chars().noneMatch(c -> c < 0x20 && c != '\n')
          && !s.stripLeading().isEmpty()
          && !firstContentLineIndented(s)) {
        String body = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        String chomp = s.endsWith("\n\n") ? "+" : s.endsWith("\n") ? "" : "-";
        out.append('|').append(chomp).append('\n');
        for (String line : body.split("\n", -1)) {
          if (!line.isEmpty()) {
            pad(indent);
            out.append(line);
          }
          out.append('\n');
        }
      } else {
        out.append(scalar(s)).append('\n');
      }
    }
  }

  /** A literal block takes its indentation from the first non-empty line, so that one must not start with a space. */
  private static boolean firstContentLineIndented(String s) {
    for (String line : s.split("\n")) {
      if (!line.isEmpty()) {
        return line.startsWith(" ") || line.startsWith("\t");
      }
    }
    return false;
  }

  /** A single-line scalar, plain when it reads back as the same string, else double-quoted. */
  static String scalar(String s) {
    if (!s.isEmpty()
        && SAFE_PLAIN.matcher(s).matches()
        && !LOOKS_TYPED.matcher(s).matches()
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.endsWith(":")
        && !s.endsWith(" ")
        && !s.startsWith("<<")
        && s.chars().allMatch(c -> c >= 0x20 && c != 0x7f)
        && (s.charAt(0) != '[' && s.charAt(0) != '{')
        && !s.contains(",") && !s.contains("]") && !s.contains("}")) {
      return s;
    }
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
