package dev.circlet.runner.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** Parses JUnit XML files into test cases: totals, failures with messages, per-test timings. */
public final class JUnitReport {
  /** One test case. */
  public record TestCase(String classname, String name, String file, double seconds, Status status, String message) {}

  /** Outcome of a test case. */
  public enum Status { PASSED, FAILED, SKIPPED }

  /** Totals over a set of test cases. */
  public record Totals(int tests, int passed, int failed, int skipped) {
    public static Totals of(List<TestCase> cases) {
      int f = 0, s = 0;
      for (TestCase c : cases) {
        if (c.status() == Status.FAILED) {
          f++;
        } else if (c.status() == Status.SKIPPED) {
          s++;
        }
      }
      return new Totals(cases.size(), cases.size() - f - s, f, s);
    }
  }

  private JUnitReport() {}

  /** XML files under a path (a file or a folder, searched recursively). */
  public static List<Path> files(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(path)) {
      return s.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".xml")).sorted().toList();
    }
  }

  /** Parses one JUnit XML document; a clear {@link IllegalArgumentException} when it is not XML. */
  public static List<TestCase> parse(InputStream in, String source) throws IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      NodeList nodes = b.parse(in).getElementsByTagName("testcase");
      List<TestCase> out = new ArrayList<>();
      for (int i = 0; i < nodes.getLength(); i++) {
        out.add(testCase((Element) nodes.item(i)));
      }
      return out;
    } catch (SAXException | ParserConfigurationException e) {
      throw new IllegalArgumentException(source + " is not JUnit XML: " + e.getMessage());
    }
  }

  public static List<TestCase> parse(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    }
  }

  private static TestCase testCase(Element e) {
    Status status = Status.PASSED;
    String message = null;
    for (String tag : List.of("failure", "error")) {
      NodeList l = e.getElementsByTagName(tag);
      if (l.getLength() > 0) {
        status = Status.FAILED;
        Element f = (Element) l.item(0);
        message = f.hasAttribute("message") ? f.getAttribute("message") : f.getTextContent().strip();
        break;
      }
    }
    if (status == Status.PASSED && e.getElementsByTagName("skipped").getLength() > 0) {
      status = Status.SKIPPED;
    }
    String classname = e.getAttribute("classname");
    String file = e.getAttribute("file");
    if (file.isEmpty() && e.getParentNode() instanceof Element suite) {
      file = suite.getAttribute("file");
    }
    double seconds;
    try {
      seconds = e.getAttribute("time").isEmpty() ? 0 : Double.parseDouble(e.getAttribute("time").replace(",", ""));
    } catch (NumberFormatException ex) {
      seconds = 0;
    }
    return new TestCase(classname, e.getAttribute("name"), file, seconds, status, message);
  }
}
