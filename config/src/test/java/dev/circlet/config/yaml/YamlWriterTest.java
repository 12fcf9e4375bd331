package dev.circlet.config.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strings written by {@link YamlWriter} read back as the same strings. */
class YamlWriterTest {
  @ParameterizedTest
  @ValueSource(strings = {"yes", "No", "1.0", "0x1F", "null", "~", "", " ", "a: b", "a:", "- x", "#c", "x #y", "x# y",
      "line1\nline2\n", "line1\nline2", "trailing\n\n", " lead", "tab\tin", "[x]", "{y}", "x, y", "*a", "&b",
      "!t", "%p", "@at", "`bt", "'q", "\"dq", "?", "|", ">", "<< x >>", "é ü 日本", "{{ checksum \"a\" }}",
      ".inf", "-.5", "1e3", "2024-01-01", "on", "\u0007bell", "a\r\nb", "  indented\nnext", "trailing ", "--flag", "\n  x\ny", "\n\n", "a\n\tb", "\ttab first\nx"})
  void roundTrips(String s) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("k", s);
    doc.put("l", List.of(s, Map.of("m", s)));
    String yaml = YamlWriter.write(doc);
    YMap back = (YMap) YamlLoader.load(yaml, "w.yml");
    assertThat(((YScalar) back.get("k")).value()).as(yaml).isEqualTo(s);
    YSeq l = (YSeq) back.get("l");
    assertThat(((YScalar) l.items().get(0)).value()).as(yaml).isEqualTo(s);
    assertThat(((YScalar) ((YMap) l.items().get(1)).get("m")).value()).as(yaml).isEqualTo(s);
  }

  @Test
  void typedScalarsAndEmptyCollections() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("b", true);
    doc.put("i", 3);
    doc.put("e", List.of());
    doc.put("m", Map.of());
    assertThat(YamlWriter.write(doc)).isEqualTo("b: true\ni: 3\ne: []\nm: {}\n");
  }
}
