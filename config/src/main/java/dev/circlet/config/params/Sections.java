package dev.circlet.config.params;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.logic.Logic;
import dev.circlet.config.yaml.Pos;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders boolean template sections in text: {@code <<# parameters.x >>…<</ parameters.x >>} keeps
 * its content when the value is true, {@code <<^ parameters.x >>…<</ parameters.x >>} when it is
 * false. Sections nest; {@code \<<#} is a literal {@code <<#}. Booleans decide directly; other
 * scalars (pipeline values such as {@code pipeline.git.tag}) decide by the logic-statement rule
 * (false, null, 0, NaN and "" are false).
 */
final class Sections {
  private static final Pattern TAG = Pattern.compile("(\\\\?)<<([#^/])\\s*([^<>]*?)\\s*>>");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");

  /** An open section: its tag as written, its name, and whether its content is kept. */
  private record Open(String tag, String name, boolean keep) {}

  private Sections() {}

  /** Whether the text has a section tag at all (the common case is that it does not). */
  static boolean present(String text) {
    return text.contains("<<#") || text.contains("<<^") || text.contains("<</");
  }

  /**
   * The text with sections rendered. {@code lookup} resolves a name (reporting unknown ones and
   * returning null). On a malformed section the error is reported and the text returned unchanged.
   */
  static String render(String text, Pos pos, Function<String, YNode> lookup, Diags d) {
    Matcher m = TAG.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    Deque<Open> open = new ArrayDeque<>();
    int last = 0;
    while (m.find()) {
      if (keeping(open)) {
        out.append(text, last, m.start());
      }
      last = m.end();
      if (!m.group(1).isEmpty()) {
        if (keeping(open)) {
          out.append(m.group().substring(1));
        }
        continue;
      }
      String kind = m.group(2);
      String name = m.group(3);
      if (!NAME.matcher(name).matches()) {
        d.error(pos, "'" + m.group() + "': a section names a parameter or pipeline value, such as parameters.debug");
        return text;
      }
      if (kind.equals("/")) {
        if (open.isEmpty()) {
          d.error(pos, "'" + m.group() + "' closes no section; open it with '<<# " + name + " >>' or '<<^ " + name
              + " >>'");
          return text;
        }
        Open top = open.pop();
        if (!top.name().equals(name)) {
          d.error(pos, "section end '" + m.group() + "' does not match its start '" + top.tag()
              + "'; close it with '<</ " + top.name() + " >>'");
          return text;
        }
        continue;
      }
      // Inside content that is dropped anyway, the value is not looked up (nor reported).
      boolean keep = keeping(open) && decide(m.group(), name, kind.equals("#"), pos, lookup, d);
      open.push(new Open(m.group(), name, keep));
    }
    if (!open.isEmpty()) {
      Open o = open.peek();
      d.error(pos, "section '" + o.tag() + "' is not closed; end it with '<</ " + o.name() + " >>'");
      return text;
    }
    out.append(text, last, text.length());
    return out.toString();
  }

  private static boolean keeping(Deque<Open> open) {
    return open.isEmpty() || open.peek().keep();
  }

  private static boolean decide(String tag, String name, boolean whenTrue, Pos pos, Function<String, YNode> lookup,
      Diags d) {
    YNode v = lookup.apply(name);
    if (v == null) {
      return false;
    }
    if (!(v instanceof YScalar s)) {
      d.error(pos, "'" + tag + "': '" + name + "' is " + v.kind() + "; a section needs a boolean");
      return false;
    }
    if (!(s.value() instanceof Boolean) && name.contains("parameters.")) {
      d.warn(pos, "'" + tag + "': parameter '" + name + "' is not a boolean; the section is decided by whether '"
          + s.text() + "' is empty, 0 or false (declare it type: boolean)");
    }
    return Logic.truthy(s.value()) == whenTrue;
  }
}
