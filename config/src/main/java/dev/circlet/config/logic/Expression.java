package dev.circlet.config.logic;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.yaml.Pos;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Expression strings such as {@code pipeline.git.branch != "main" and not (x starts-with "v")}:
 * operators {@code == != and or not starts-with}, parentheses, string/number/boolean literals and
 * pipeline values by dotted name.
 */
public final class Expression {
  private static final Pattern HINT =
      Pattern.compile(".*(==|!=|\\bstarts-with\\b|^\\s*pipeline\\.[a-z_.]+\\s*$|^\\s*not\\s|\\s(and|or)\\s).*");

  /** Parentheses and {@code not}s nest at most this deep: the parser recurses on each level. */
  static final int MAX_NESTING = 100;

  private final List<String> tokens;
  private final Pos pos;
  private final ValueLookup ctx;
  private int i;
  private int depth;

  private Expression(List<String> tokens, Pos pos, ValueLookup ctx) {
    this.tokens = tokens;
    this.pos = pos;
    this.ctx = ctx;
  }

  /**
   * Whether a string should be read as an expression rather than a literal: it names a pipeline
   * value and uses an operator (or is just that name). Plain text such as a substituted parameter
   * value "this and that" stays a literal.
   */
  public static boolean looksLikeExpression(String s) {
    return !s.contains("\n") && s.contains("pipeline.") && HINT.matcher(s).matches();
  }

  public static boolean eval(String text, Pos pos, ValueLookup ctx, Diags d) {
    try {
      Expression e = new Expression(tokenize(text), pos, ctx);
      Object v = e.or();
      if (e.i != e.tokens.size()) {
        throw new IllegalArgumentException("unexpected '" + e.tokens.get(e.i) + "'");
      }
      return Logic.truthy(v);
    } catch (IllegalArgumentException ex) {
      d.error(pos, "invalid expression: " + ex.getMessage());
      return false;
    }
  }

  static List<String> tokenize(String s) {
    List<String> out = new ArrayList<>();
    int p = 0;
    while (p < s.length()) {
      char c = s.charAt(p);
      if (Character.isWhitespace(c)) {
        p++;
      } else if (c == '(' || c == ')') {
        out.add(String.valueOf(c));
        p++;
      } else if ((c == '=' || c == '!') && p + 1 < s.length() && s.charAt(p + 1) == '=') {
        out.add(s.substring(p, p + 2));
        p += 2;
      } else if (c == '"' || c == '\'') {
        int end = s.indexOf(c, p + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated string");
        }
        out.add(s.substring(p, end + 1));
        p = end + 1;
      } else {
        int start = p;
        while (p < s.length() && !Character.isWhitespace(s.charAt(p)) && "()=!\"'".indexOf(s.charAt(p)) < 0) {
          p++;
        }
        if (start == p) {
          throw new IllegalArgumentException("unexpected '" + c + "'");
        }
        out.add(s.substring(start, p));
      }
    }
    return out;
  }

  private String peek() {
    return i < tokens.size() ? tokens.get(i) : null;
  }

  private Object or() {
    Object v = and();
    while ("or".equals(peek())) {
      i++;
      Object r = and();
      v = Logic.truthy(v) || Logic.truthy(r);
    }
    return v;
  }

  private Object and() {
    Object v = not();
    while ("and".equals(peek())) {
      i++;
      Object r = not();
      v = Logic.truthy(v) && Logic.truthy(r);
    }
    return v;
  }

  private Object not() {
    if ("not".equals(peek())) {
      i++;
      enter();
      boolean v = !Logic.truthy(not());
      depth--;
      return v;
    }
    return comparison();
  }

  private void enter() {
    if (++depth > MAX_NESTING) {
      throw new IllegalArgumentException("parentheses and 'not' nest deeper than " + MAX_NESTING + " levels");
    }
  }

  private Object comparison() {
    Object left = primary();
    String op = peek();
    if ("==".equals(op) || "!=".equals(op) || "starts-with".equals(op)) {
      i++;
      Object right = primary();
      return switch (op) {
        case "==" -> same(left, right);
        case "!=" -> !same(left, right);
        default -> String.valueOf(left).startsWith(String.valueOf(right));
      };
    }
    return left;
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return Objects.equals(a, b);
  }

  private Object primary() {
    String t = peek();
    if (t == null) {
      throw new IllegalArgumentException("unexpected end");
    }
    i++;
    if (t.equals("(")) {
      enter();
      Object v = or();
      depth--;
      if (!")".equals(peek())) {
        throw new IllegalArgumentException("missing ')'");
      }
      i++;
      return v;
    }
    if (t.startsWith("\"") || t.startsWith("'")) {
      return t.substring(1, t.length() - 1);
    }
    switch (t) {
      case "true":
        return true;
      case "false":
        return false;
      case "null":
        return null;
      default:
        break;
    }
    if (t.matches("-?\\d+")) {
      return Long.parseLong(t);
    }
    if (t.matches("-?\\d+\\.\\d+")) {
      return Double.parseDouble(t);
    }
    if (t.startsWith("pipeline.")) {
      Object v = ctx.get(t);
      if (v == null) {
        throw new IllegalArgumentException("unknown pipeline value '" + t + "'");
      }
      return v;
    }
    throw new IllegalArgumentException("unexpected '" + t + "'");
  }
}
