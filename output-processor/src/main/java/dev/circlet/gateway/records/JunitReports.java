package dev.circlet.gateway.records;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the test cases of a JUnit XML report ({@code testsuites}/{@code testsuite}/{@code testcase},
 * the format {@code store_test_results} collects). DTDs and external entities are refused, so a
 * report cannot make the gateway read files or expand entities; messages are cut to
 * {@value #MAX_MESSAGE} characters and a report holds at most {@value #MAX_CASES} cases.
 */
public final class JunitReports {
  static final int MAX_MESSAGE = 4096;
  static final int MAX_CASES = 50_000;

  private static final XMLInputFactory FACTORY = XMLInputFactory.newFactory();

  static {
    FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    FACTORY.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
  }

  private JunitReports() {}

  /** The report's test cases in document order; a malformed report is an IllegalArgumentException. */
  public static List<TestCase> parse(byte[] xml) {
    List<TestCase> out = new ArrayList<>();
    try {
      XMLStreamReader r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
      try {
        String suiteFile = null;
        Open open = null;
        while (r.hasNext()) {
          int ev = r.next();
          if (ev == XMLStreamConstants.DTD) {
            throw new IllegalArgumentException("a test report must not carry a DTD");
          }
          if (ev == XMLStreamConstants.START_ELEMENT) {
            String el = r.getLocalName();
            if (el.equals("testsuite")) {
              suiteFile = r.getAttributeValue(null, "file");
            } else if (el.equals("testcase")) {
              if (out.size() >= MAX_CASES) {
                throw new IllegalArgumentException("a test report holds at most " + MAX_CASES + " test cases");
              }
              String file = r.getAttributeValue(null, "file");
              open = new Open(attr(r, "classname"), attr(r, "name"), file != null ? file : suiteFile,
                  millis(r.getAttributeValue(null, "time")));
            } else if (open != null && (el.equals("failure") || el.equals("error") || el.equals("skipped"))) {
              String result = el.equals("failure") ? TestCase.FAILED : el.equals("error") ? TestCase.ERROR
                  : TestCase.SKIPPED;
              // a failure outranks a skip when a runner writes both
              if (open.result == null || open.result.equals(TestCase.SKIPPED)) {
                open.result = result;
                String message = r.getAttributeValue(null, "message");
                String text = r.getElementText();
                open.message = message != null && !message.isBlank() ? message : text.strip();
              }
            }
          } else if (ev == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("testcase") && open != null) {
            out.add(open.done());
            open = null;
          }
        }
      } finally {
        r.close();
      }
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("not a JUnit XML report: " + e.getMessage(), e);
    }
    return out;
  }

  private static String attr(XMLStreamReader r, String name) {
    String v = r.getAttributeValue(null, name);
    return v == null ? "" : v;
  }

  /** JUnit times are seconds with a fraction ("0.25", "1,234.5" from some tools); unreadable is 0. */
  static long millis(String seconds) {
    if (seconds == null || seconds.isBlank()) {
      return 0;
    }
    try {
      BigDecimal s = new BigDecimal(seconds.trim().replace(",", ""));
      return s.signum() < 0 ? 0 : s.movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return 0;
    }
  }

  private static final class Open {
    final String classname;
    final String name;
    final String file;
    final long durationMs;
    String result;
    String message;

    Open(String classname, String name, String file, long durationMs) {
      this.classname = classname;
      this.name = name;
      this.file = file;
      this.durationMs = durationMs;
    }

    TestCase done() {
      String m = message == null || message.isEmpty() ? null
          : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
      return new TestCase(classname, name, file, result == null ? TestCase.PASSED : result, m, durationMs);
    }
  }
}
