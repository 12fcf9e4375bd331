package dev.circlet.runner.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TestingToolsTest {
  static final List<String> FILES = List.of("d.js", "a.js", "c.js", "b.js", "e.js");

  static Stream<Arguments> byName() {
    return Stream.of(
        Arguments.of(0, 1, List.of("a.js", "b.js", "c.js", "d.js", "e.js")),
        Arguments.of(0, 2, List.of("a.js", "c.js", "e.js")),
        Arguments.of(1, 2, List.of("b.js", "d.js")),
        Arguments.of(2, 3, List.of("c.js")),
        Arguments.of(4, 6, List.of("e.js")),
        Arguments.of(5, 6, List.of()));
  }

  @ParameterizedTest
  @MethodSource("byName")
  void splitsByName(int index, int total, List<String> expected) {
    assertThat(TestSplitter.byName(FILES, index, total)).isEqualTo(expected);
  }

  static Stream<Arguments> byWeight() {
    Map<String, Double> t = Map.of("a.js", 10.0, "b.js", 1.0, "c.js", 4.0, "d.js", 5.0);
    return Stream.of(
        // e.js has no timing: counts as the average 5.0; heaviest first onto the lightest node:
        // a(10)->0, d(5)->1, e(5)->1, c(4)->0 (tie at 10, lowest index), b(1)->1
        Arguments.of(t, 0, 2, List.of("a.js", "c.js")),
        Arguments.of(t, 1, 2, List.of("b.js", "d.js", "e.js")),
        Arguments.of(t, 0, 3, List.of("a.js")),
        Arguments.of(Map.of(), 0, 2, List.of("a.js", "c.js", "e.js")));
  }

  @ParameterizedTest
  @MethodSource("byWeight")
  void splitsByWeightBalancingLoad(Map<String, Double> weights, int index, int total, List<String> expected) {
    assertThat(TestSplitter.byWeight(FILES, weights, index, total)).isEqualTo(expected);
  }

  @Test
  void everyItemLandsOnExactlyOneNode() {
    Map<String, Double> t = Map.of("a.js", 3.0, "c.js", 7.0);
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      all.addAll(TestSplitter.byWeight(FILES, t, i, 3));
    }
    assertThat(all).containsExactlyInAnyOrderElementsOf(FILES);
  }

  @Test
  void badNodeIndexIsAClearError() {
    assertThatThrownBy(() -> TestSplitter.byName(FILES, 2, 2)).hasMessage("node index 2 is outside 0..1");
  }

  @Test
  void globSupportsDoublestarBracesAndClasses(@TempDir Path dir) throws Exception {
    for (String f : List.of("test/a_test.go", "test/sub/b_test.go", "test/sub/deep/c_test.go", "src/x.js", "src/y.ts", "src/z1.py", "top.js")) {
      Files.createDirectories(dir.resolve(f).getParent());
      Files.writeString(dir.resolve(f), "");
    }
    assertThat(TestGlob.glob(dir, List.of("test/**/*_test.go")))
        .containsExactly("test/a_test.go", "test/sub/b_test.go", "test/sub/deep/c_test.go");
    assertThat(TestGlob.glob(dir, List.of("src/*.{js,ts}", "*.js"))).containsExactly("src/x.js", "src/y.ts", "top.js");
    assertThat(TestGlob.glob(dir, List.of("src/z[0-9].py", "nothing/**"))).containsExactly("src/z1.py");
    assertThat(TestGlob.glob(dir, List.of("**/*.js"))).containsExactly("src/x.js", "top.js");
  }

  @Test
  void parsesJUnitWithFailuresErrorsSkipsAndTimings() throws Exception {
    String xml = """
        <?xml version="1.0"?>
        <testsuite name="s" file="spec/a_spec.rb">
          <testcase classname="A" name="one" time="1.5"/>
          <testcase classname="A" name="two" time="0.25"><failure message="boom">stack</failure></testcase>
          <testcase classname="B" name="three" time="1,000.5" file="spec/b_spec.rb"><error>oops text</error></testcase>
          <testcase classname="B" name="four"><skipped/></testcase>
        </testsuite>""";
    List<JUnitReport.TestCase> cases = JUnitReport.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "x.xml");
    assertThat(JUnitReport.Totals.of(cases)).isEqualTo(new JUnitReport.Totals(4, 1, 2, 1));
    assertThat(cases.get(1).message()).isEqualTo("boom");
    assertThat(cases.get(2).message()).isEqualTo("oops text");
    assertThat(cases.get(2).seconds()).isEqualTo(1000.5);
    Timings t = Timings.of(cases);
    assertThat(t.of("filename")).isEqualTo(Map.of("spec/a_spec.rb", 1.75, "spec/b_spec.rb", 1000.5));
    assertThat(t.of("classname")).containsEntry("A", 1.75);
    assertThat(Timings.of(cases.subList(0, 1)).mergedOver(t).of("classname")).containsEntry("A", 1.5).containsEntry("B", 1000.5);
  }

  @Test
  void notXmlIsAClearError() {
    assertThatThrownBy(() -> JUnitReport.parse(new ByteArrayInputStream("nope".getBytes()), "bad.xml"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("bad.xml is not JUnit XML");
  }
}
