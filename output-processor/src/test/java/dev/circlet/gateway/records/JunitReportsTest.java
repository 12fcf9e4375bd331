package dev.circlet.gateway.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JunitReportsTest {
  static List<TestCase> parse(String xml) {
    return JunitReports.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void every_result_kind_with_messages_files_and_times() {
    List<TestCase> cases = parse("""
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites>
          <testsuite name="s" file="src/a_test.py">
            <testcase classname="a.A" name="ok" time="0.25"/>
            <testcase classname="a.A" name="bad" time="1,234.5" file="src/other.py">
              <failure message="expected 1 but was 2">trace</failure>
            </testcase>
            <testcase classname="a.A" name="boom"><error>NullPointerException at x</error></testcase>
            <testcase classname="a.A" name="later"><skipped/></testcase>
            <testcase classname="a.A" name="both"><skipped/><failure message="f"/></testcase>
          </testsuite>
          <testsuite name="t"><testcase classname="b.B" name="plain" time="x"></testcase></testsuite>
        </testsuites>
        """);
    assertThat(cases).containsExactly(
        new TestCase("a.A", "ok", "src/a_test.py", "passed", null, 250),
        new TestCase("a.A", "bad", "src/other.py", "failed", "expected 1 but was 2", 1_234_500),
        new TestCase("a.A", "boom", "src/a_test.py", "error", "NullPointerException at x", 0),
        new TestCase("a.A", "later", "src/a_test.py", "skipped", null, 0),
        new TestCase("a.A", "both", "src/a_test.py", "failed", "f", 0),
        new TestCase("b.B", "plain", null, "passed", null, 0));
  }

  @Test
  void a_single_testsuite_root_and_an_empty_report() {
    assertThat(parse("<testsuite><testcase classname=\"c\" name=\"n\"/></testsuite>")).hasSize(1);
    assertThat(parse("<testsuites/>")).isEmpty();
  }

  @Test
  void long_messages_are_cut() {
    String m = "x".repeat(10_000);
    assertThat(parse("<testsuite><testcase name=\"n\"><failure message=\"" + m + "\"/></testcase></testsuite>")
        .get(0).message()).hasSize(JunitReports.MAX_MESSAGE);
  }

  @Test
  void entities_and_dtds_are_refused_and_malformed_xml_is_a_clear_error() {
    assertThatThrownBy(() -> parse("""
        <?xml version="1.0"?>
        <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
        <testsuite><testcase name="&x;"/></testsuite>
        """)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> parse("<testsuite><testcase name=\"n\">")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a JUnit XML report");
  }

  @Test
  void times_in_seconds_become_milliseconds() {
    assertThat(JunitReports.millis("0.0015")).isEqualTo(2);
    assertThat(JunitReports.millis("12")).isEqualTo(12_000);
    assertThat(JunitReports.millis("-1")).isZero();
    assertThat(JunitReports.millis(null)).isZero();
    assertThat(JunitReports.millis("1e400000")).isZero();
  }
}
