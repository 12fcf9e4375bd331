package dev.circlet.config.params;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.yaml.Pos;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code << parameters.x >>}, {@code << pipeline.* >>} and {@code << matrix.x >>} in a
 * tree. A scalar that is exactly one reference takes the typed value (boolean, integer, steps,
 * executor); references inside longer text insert the value's text. {@code \<<} stays literal.
 * Boolean sections ({@code <<# x >>…<</ x >>}, {@code <<^ x >>…<</ x >>}) are rendered first.
 * Every node walked and every character of text built is charged to the compile's budget.
 */
public final class Substitutor {
  private static final Pattern REF = Pattern.compile("(\\\\?)<<\\s*([A-Za-z0-9_.\\-]+)\\s*>>");
  private static final Pattern WHOLE = Pattern.compile("\\s*<<\\s*([A-Za-z0-9_.\\-]+)\\s*>>\\s*");

  private final Scope scope;
  private final Diags d;

  private Substitutor(Scope scope, Diags d) {
    this.scope = scope;
    this.d = d;
  }

  public static YNode apply(YNode node, Scope scope, Diags d) {
    return node == null ? null : new Substitutor(scope, d).walk(node);
  }

  private YNode walk(YNode n) {
    scope.budget().tick(n.pos());
    return switch (n) {
      case YScalar s -> s.value() instanceof String str && str.contains("<<") ? scalar(s, str) : s;
      case YSeq seq -> {
        List<YNode> items = new ArrayList<>(seq.items().size());
        boolean changed = false;
        for (YNode i : seq.items()) {
          YNode w = walk(i);
          changed |= w != i;
          items.add(w);
        }
        yield changed ? new YSeq(items, seq.pos()) : seq;
      }
      case YMap map -> {
        List<YMap.Entry> out = new ArrayList<>(map.size());
        boolean changed = false;
        for (YMap.Entry e : map.entries()) {
          YNode w = walk(e.value());
          changed |= w != e.value();
          out.add(w == e.value() ? e : new YMap.Entry(e.key(), e.keyPos(), w));
        }
        yield changed ? new YMap(out, map.pos()) : map;
      }
    };
  }

  private YNode scalar(YScalar s, String original) {
    // Charged before any text is built: every copy made for a job or command instance counts.
    scope.budget().text(original.length(), s.pos());
    String str = original;
    if (Sections.present(str)) {
      str = Sections.render(str, s.pos(), ref -> lookup(ref, s.pos()), d);
    }
    Matcher whole = WHOLE.matcher(str);
    if (whole.matches()) {
      YNode v = lookup(whole.group(1), s.pos());
      return v == null ? s : relocate(v, s.pos());
    }
    Matcher m = REF.matcher(str);
    StringBuilder b = new StringBuilder();
    boolean any = false;
    while (m.find()) {
      any = true;
      if (!m.group(1).isEmpty()) {
        m.appendReplacement(b, Matcher.quoteReplacement(m.group().substring(1)));
        continue;
      }
      YNode v = lookup(m.group(2), s.pos());
      String text;
      if (v == null) {
        text = m.group();
      } else if (v instanceof YScalar vs) {
        text = vs.value() == null ? "" : vs.text();
      } else {
        d.error(s.pos(), "'" + m.group(2) + "' is " + v.kind() + " and cannot be used inside text");
        text = m.group();
      }
      // Charged before it is appended, so text that doubles at each command level stops in time.
      scope.budget().text(text.length(), s.pos());
      m.appendReplacement(b, Matcher.quoteReplacement(text));
    }
    if (!any) {
      return str.equals(original) ? s : new YScalar(str, str, s.pos());
    }
    m.appendTail(b);
    String r = b.toString();
    return new YScalar(r, r, s.pos());
  }

  /** A scalar taken from elsewhere reports the place it was inserted; trees keep their own. */
  private static YNode relocate(YNode v, Pos at) {
    return v instanceof YScalar vs ? new YScalar(vs.value(), vs.text(), at) : v;
  }

  private YNode lookup(String ref, Pos pos) {
    if (ref.startsWith("parameters.")) {
      String name = ref.substring("parameters.".length());
      if (scope.parameters() == null) {
        d.error(pos, "'<< " + ref + " >>' is used in " + scope.owner() + ", which declares no parameters");
        return null;
      }
      YNode v = scope.parameters().get(name);
      if (v == null) {
        d.error(pos, "unknown parameter '" + name + "' in " + scope.owner());
      }
      return v;
    }
    if (ref.startsWith("matrix.")) {
      String name = ref.substring("matrix.".length());
      if (scope.matrix() == null) {
        d.error(pos, "'<< " + ref + " >>' can only be used in a workflow job with a matrix");
        return null;
      }
      YNode v = scope.matrix().get(name);
      if (v == null) {
        d.error(pos, "unknown matrix parameter '" + name + "'");
      }
      return v;
    }
    if (ref.startsWith("pipeline.parameters.")) {
      String name = ref.substring("pipeline.parameters.".length());
      YNode v = scope.pipelineParameters().get(name);
      if (v == null) {
        d.error(pos, "unknown pipeline parameter '" + name + "'");
      }
      return v;
    }
    if (ref.startsWith("pipeline.trigger_parameters.")) {
      Object v = scope.pipeline().value(ref.substring("pipeline.".length()));
      return YScalar.of(v == null ? "" : v, pos);
    }
    if (ref.startsWith("pipeline.")) {
      Object v = scope.pipeline().value(ref.substring("pipeline.".length()));
      if (v == null) {
        d.error(pos, "unknown pipeline value '" + ref + "'");
        return null;
      }
      return YScalar.of(v, pos);
    }
    d.error(pos, "unknown reference '<< " + ref + " >>'; expected parameters.*, pipeline.* or matrix.*");
    return null;
  }
}
