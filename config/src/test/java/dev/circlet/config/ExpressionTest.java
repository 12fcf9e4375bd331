package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.logic.Expression;
import dev.circlet.config.logic.ValueLookup;
import dev.circlet.config.yaml.Pos;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expression strings over pipeline values. */
class ExpressionTest {
  private static final ValueLookup VALUES = Map.<String, Object>of(
      "pipeline.git.branch", "release/2.0", "pipeline.number", 12L, "pipeline.git.tag", "",
      "pipeline.parameters.fast", true)::get;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "pipeline.git.branch == \"release/2.0\"                      | true  |",
      "pipeline.git.branch starts-with 'release/'                  | true  |",
      "not pipeline.git.branch starts-with \"main\"                  | true  |",
      "pipeline.number == 12 and pipeline.git.tag == \"\"            | true  |",
      "pipeline.number != 12 or (pipeline.parameters.fast and false) | false |",
      "pipeline.parameters.fast                                    | true  |",
      "pipeline.git.tag                                            | false |",
      "pipeline.git.branch == \"x\" or                               | false | invalid expression: unexpected end",
      "pipeline.nope == 1                                          | false | invalid expression: unknown pipeline value 'pipeline.nope'",
      "(pipeline.number == 12                                      | false | invalid expression: missing ')'",
      "pipeline.git.branch == \"open                                | false | invalid expression: unterminated string",
  })
  void evaluates(String expr, boolean expected, String error) {
    Diags d = new Diags();
    assertThat(Expression.looksLikeExpression(expr.strip())).isTrue();
    assertThat(Expression.eval(expr.strip(), new Pos("c.yml", 3, 4), VALUES, d)).isEqualTo(expected);
    if (error == null) {
      assertThat(d.errors()).isEmpty();
    } else {
      assertThat(d.errors()).extracting(Diagnostic::format).containsExactly("c.yml:3:4: error: " + error);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"this and that", "a == b", "not now", "pipeline"})
  void textWithoutPipelineValuesIsALiteral(String text) {
    assertThat(Expression.looksLikeExpression(text)).isFalse();
  }
}
