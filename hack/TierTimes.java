// Prints how long each test tier took in one run of hack/test.sh: the wall time of each phase the
// script ran, then per tier (unit, cluster, services, e2e) the test classes, tests and summed
// seconds from this run's surefire and failsafe XML reports, the web UI's vitest and browser test
// times from the run's output, and Maven's per-module wall times (its reactor summary).
//
//   java hack/TierTimes.java --since EPOCH_SECONDS [--log MAVEN_AND_NPM_OUTPUT] [--phases FILE]
//
// A test class's tier is the JUnit tag in its source: @Tag("e2e"), @Tag("services"),
// @Tag("cluster") or @KubeCluster (which carries the cluster tag); no tag is the unit tier. Reports
// older than --since are left out; a missing directory or an unreadable report is skipped with a
// note, never an error: the numbers are information, the run's result is the tests'.
//
// Run by hack/test.sh (tiers all and e2e) with JDK 21 or newer: no compilation, no dependencies.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

public class TierTimes {
  static final List<String> TIERS = List.of("unit", "cluster", "services", "e2e");
  static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
  static final Pattern VITEST_FILES = Pattern.compile("^\\s*Test Files\\s+(\\d+ (?:passed|failed|skipped).*?)\\s*$");
  static final Pattern VITEST_TESTS = Pattern.compile("^\\s*Tests\\s+(\\d+ (?:passed|failed|skipped).*?)\\s*$");
  static final Pattern VITEST_DURATION = Pattern.compile("^\\s*Duration\\s+([0-9.]+)(ms|s)\\b.*$");
  static final Pattern BROWSER = Pattern.compile("^(\\d+) passed, (\\d+) failed in ([0-9.]+) s\\b.*$");
  static final Pattern REACTOR = Pattern.compile("^\\[INFO\\] (\\S.*?) \\.+ (SUCCESS|FAILURE|SKIPPED)(?: \\[\\s*(.+?)\\])?\\s*$");

  /** One test class's report. */
  record ClassTime(String module, String name, String tier, int tests, int skipped, int failed, double seconds) {}

  public static void main(String[] args) {
    long since = 0;
    Path log = null;
    Path phases = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--since" -> since = parseLong(args[i + 1]);
        case "--log" -> log = Path.of(args[i + 1]);
        case "--phases" -> phases = Path.of(args[i + 1]);
        default -> System.out.println("circlet: tier times: unknown option " + args[i] + " (ignored)");
      }
    }
    Path root = Path.of("").toAbsolutePath();
    System.out.println("circlet: test times of this run");
    printPhases(phases);
    printTiers(classes(root, since * 1000));
    List<String> lines = readLines(log);
    printWebUi(lines);
    printReactor(lines);
  }

  static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      System.out.println("circlet: tier times: --since " + s + " is not a number of seconds; every report counts");
      return 0;
    }
  }

  static List<Path> subdirs(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).filter(p -> {
        String n = p.getFileName().toString();
        return !n.startsWith(".") && !n.equals("node_modules") && !n.equals("target") && !n.equals("src");
      }).sorted().toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  static List<String> readLines(Path f) {
    if (f == null) {
      return List.of();
    }
    try {
      List<String> out = new ArrayList<>();
      for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        out.add(ANSI.matcher(l).replaceAll(""));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      System.out.println("circlet: tier times: cannot read " + f + " (" + e.getMessage() + ")");
      return List.of();
    }
  }

  /** Lines "name<TAB>seconds", written by hack/test.sh as each phase ends. */
  static void printPhases(Path phases) {
    List<String> lines = readLines(phases);
    if (lines.isEmpty()) {
      return;
    }
    System.out.println("  phase                     wall s");
    for (String l : lines) {
      String[] f = l.split("\t");
      if (f.length == 2) {
        System.out.printf(Locale.ROOT, "  %-24s %7s%n", f[0], f[1]);
      }
    }
  }

  /** This run's reports (newer than sinceMillis) of every module, by class. */
  static List<ClassTime> classes(Path root, long sinceMillis) {
    List<ClassTime> out = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    // modules and their submodules: <module>/target/... and <module>/<sub>/target/...
    for (Path module : subdirs(root)) {
      List<Path> candidates = new ArrayList<>(List.of(module));
      candidates.addAll(subdirs(module));
      for (Path m : candidates) {
        for (String kind : List.of("surefire-reports", "failsafe-reports")) {
          Path d = m.resolve("target").resolve(kind);
          if (Files.isDirectory(d)) {
            dirs.add(d);
          }
        }
      }
    }
    DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
    for (Path dir : dirs) {
      Path module = dir.getParent().getParent();
      List<Path> reports;
      try (Stream<Path> s = Files.list(dir)) {
        reports = s.filter(p -> p.getFileName().toString().startsWith("TEST-") && p.toString().endsWith(".xml"))
            .sorted().toList();
      } catch (IOException e) {
        System.out.println("circlet: tier times: cannot list " + root.relativize(dir) + " (" + e.getMessage() + ")");
        continue;
      }
      for (Path r : reports) {
        try {
          if (Files.getLastModifiedTime(r).toMillis() < sinceMillis) {
            continue;
          }
          var builder = dbf.newDocumentBuilder();
          builder.setErrorHandler(QUIET);
          Element suite = builder.parse(r.toFile()).getDocumentElement();
          String name = suite.getAttribute("name");
          if (name.isEmpty()) {
            name = r.getFileName().toString().replaceFirst("^TEST-", "").replaceFirst("\\.xml$", "");
          }
          out.add(new ClassTime(root.relativize(module).toString(), name, tier(module, name),
              intAttr(suite, "tests"), intAttr(suite, "skipped"),
              intAttr(suite, "failures") + intAttr(suite, "errors"), doubleAttr(suite, "time")));
        } catch (Exception e) {
          System.out.println("circlet: tier times: skipped " + root.relativize(r) + " (" + e.getMessage() + ")");
        }
      }
    }
    return out;
  }

  static final Pattern TAG = Pattern.compile("@(?:org\\.junit\\.jupiter\\.api\\.)?Tag\\(\\s*\"(e2e|services|cluster)\"\\s*\\)");
  static final Pattern KUBE_CLUSTER = Pattern.compile("@(?:dev\\.circlet\\.kubetest\\.)?KubeCluster\\b");

  /** Parse errors are reported once, as the report's skip note, not on stderr as well. */
  static final org.xml.sax.ErrorHandler QUIET = new org.xml.sax.ErrorHandler() {
    @Override
    public void warning(org.xml.sax.SAXParseException e) {}

    @Override
    public void error(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
      throw e;
    }

    @Override
    public void fatalError(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
      throw e;
    }
  };

  /** The tier of a test class by the tags in its source; unit when it has none or is not found. */
  static String tier(Path module, String className) {
    String top = className.split("\\$", 2)[0];
    Path src = module.resolve("src/test/java").resolve(top.replace('.', '/') + ".java");
    String text;
    try {
      text = Files.readString(src);
    } catch (IOException | RuntimeException e) {
      return "unit";
    }
    return tierOf(text);
  }

  /** e2e before services before cluster: a class carrying several runs in the widest tier. */
  static String tierOf(String source) {
    boolean cluster = KUBE_CLUSTER.matcher(source).find();
    boolean services = false;
    boolean e2e = false;
    Matcher m = TAG.matcher(source);
    while (m.find()) {
      switch (m.group(1)) {
        case "e2e" -> e2e = true;
        case "services" -> services = true;
        default -> cluster = true;
      }
    }
    return e2e ? "e2e" : services ? "services" : cluster ? "cluster" : "unit";
  }

  static int intAttr(Element e, String name) {
    try {
      return e.hasAttribute(name) ? Integer.parseInt(e.getAttribute(name).trim()) : 0;
    } catch (NumberFormatException x) {
      return 0;
    }
  }

  static double doubleAttr(Element e, String name) {
    try {
      // surefire writes "1,234.5" for long suites in some locales
      return e.hasAttribute(name) ? Double.parseDouble(e.getAttribute(name).replace(",", "").trim()) : 0;
    } catch (NumberFormatException x) {
      return 0;
    }
  }

  static void printTiers(List<ClassTime> classes) {
    if (classes.isEmpty()) {
      System.out.println("  no surefire or failsafe reports from this run");
      return;
    }
    System.out.println("  tier       classes   tests skipped  failed   summed s   (slowest classes)");
    Map<String, List<ClassTime>> byTier = new LinkedHashMap<>();
    TIERS.forEach(t -> byTier.put(t, new ArrayList<>()));
    classes.forEach(c -> byTier.get(c.tier()).add(c));
    for (Map.Entry<String, List<ClassTime>> e : byTier.entrySet()) {
      List<ClassTime> cs = e.getValue();
      if (cs.isEmpty()) {
        System.out.printf(Locale.ROOT, "  %-9s %8d%n", e.getKey(), 0);
        continue;
      }
      int tests = cs.stream().mapToInt(ClassTime::tests).sum();
      int skipped = cs.stream().mapToInt(ClassTime::skipped).sum();
      int failed = cs.stream().mapToInt(ClassTime::failed).sum();
      double seconds = cs.stream().mapToDouble(ClassTime::seconds).sum();
      List<String> slowest = cs.stream().sorted(Comparator.comparingDouble(ClassTime::seconds).reversed()).limit(3)
          .map(c -> c.name().substring(c.name().lastIndexOf('.') + 1) + String.format(Locale.ROOT, " %.0f s", c.seconds()))
          .toList();
      System.out.printf(Locale.ROOT, "  %-9s %8d %7d %7d %7d %10.1f   (%s)%n", e.getKey(), cs.size(), tests, skipped,
          failed, seconds, String.join(", ", slowest));
    }
    System.out.println("  (summed: the classes' own times; Maven runs a module's classes one after another)");
  }

  /** vitest's summary (inside the Maven build of web-ui) and the browser tests' closing line. */
  static void printWebUi(List<String> lines) {
    String files = null;
    String tests = null;
    String duration = null;
    String browser = null;
    for (String l : lines) {
      String s = l.replaceFirst("^\\[(INFO|ERROR|WARNING)\\] ?", "");
      Matcher m;
      if ((m = VITEST_FILES.matcher(s)).matches()) {
        files = m.group(1);
      } else if ((m = VITEST_TESTS.matcher(s)).matches() && files != null && duration == null) {
        tests = m.group(1);
      } else if ((m = VITEST_DURATION.matcher(s)).matches() && files != null) {
        double v = Double.parseDouble(m.group(1));
        duration = String.format(Locale.ROOT, "%.1f", m.group(2).equals("ms") ? v / 1000 : v);
      } else if ((m = BROWSER.matcher(s.strip())).matches()) {
        browser = String.format(Locale.ROOT, "%s passed, %s failed, %s s", m.group(1), m.group(2), m.group(3));
      }
    }
    if (files != null) {
      System.out.println("  web-ui vitest: files " + files + "; tests " + (tests == null ? "?" : tests) + "; "
          + (duration == null ? "duration not printed" : duration + " s"));
    }
    if (browser != null) {
      System.out.println("  web-ui browser tests: " + browser);
    }
  }

  /** Maven's reactor summary: the wall time of each module (the last summary of the log). */
  static void printReactor(List<String> lines) {
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("[INFO] Reactor Summary")) {
        start = i;
      }
    }
    if (start < 0) {
      return;
    }
    System.out.println("  module wall times (Maven's reactor summary)");
    for (int i = start + 1; i < lines.size(); i++) {
      Matcher m = REACTOR.matcher(lines.get(i));
      if (m.matches()) {
        System.out.printf(Locale.ROOT, "    %-40s %-8s %s%n", m.group(1), m.group(2), m.group(3) == null ? "" : m.group(3));
      } else if (lines.get(i).contains("BUILD SUCCESS") || lines.get(i).contains("BUILD FAILURE")) {
        break;
      }
    }
  }
}
