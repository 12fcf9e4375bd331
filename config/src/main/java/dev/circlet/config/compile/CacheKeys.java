package dev.circlet.config.compile;

import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks cache-key templates. The keys are kept verbatim: {@code checksum}, {@code epoch},
 * {@code .Revision} and the rest are filled in by the runner, which knows the files and the time.
 */
final class CacheKeys {
  private static final Pattern ACTION = Pattern.compile("\\{\\{(.*?)}}");
  private static final Pattern KNOWN =
      Pattern.compile(
          "\\s*(\\.Branch|\\.Revision|\\.BuildNum|\\.CheckoutKey|\\.Environment\\.[A-Za-z_][A-Za-z0-9_]*|epoch|arch"
              + "|checksum\\s+\"[^\"]+\")\\s*");

  private CacheKeys() {}

  static void check(YNode key, Diags d) {
    if (key == null) {
      return;
    }
    List<YNode> items = key instanceof YSeq seq ? seq.items() : List.of(key);
    for (YNode item : items) {
      if (item instanceof YScalar s && s.isString()) {
        checkOne(s, d);
      }
    }
  }

  private static void checkOne(YScalar s, Diags d) {
    String t = s.text();
    int open = t.split("\\{\\{", -1).length - 1;
    int close = t.split("}}", -1).length - 1;
    if (open != close) {
      d.error(s.pos(), "cache key '" + t + "' has unbalanced {{ }}");
      return;
    }
    Matcher m = ACTION.matcher(t);
    while (m.find()) {
      if (!KNOWN.matcher(m.group(1)).matches()) {
        d.warn(s.pos(), "cache key template '{{" + m.group(1) + "}}' is not one Circlet knows; it is kept as written");
      }
    }
  }
}
