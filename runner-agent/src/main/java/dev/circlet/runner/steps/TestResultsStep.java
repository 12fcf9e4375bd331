package dev.circlet.runner.steps;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.testing.JUnitReport;
import dev.circlet.runner.testing.NodeTimings;
import dev.circlet.runner.testing.Timings;
import dev.circlet.runner.testing.TimingsHistory;
import dev.circlet.runner.volume.Volume;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * store_test_results: parses JUnit XML, uploads it with a summary, and merges timings for later
 * splits. The reports are read from the project {@link Volume} without following links out of it.
 */
public final class TestResultsStep {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BlobStore store;
  private final Volume volume;
  private final Consumer<String> log;

  public TestResultsStep(BlobStore store, Volume volume, Consumer<String> log) {
    this.store = store;
    this.volume = volume;
    this.log = log;
  }

  /**
   * Key of a job's base timings (those stored before per-node objects), read by
   * {@code circleci tests split --split-by=timings} with the objects under {@link #nodeTimingsPrefix}.
   */
  public static String timingsKey(String job) {
    return "timings/" + job + ".json";
  }

  /** Where each node's timings go, one object per stored result: {@code timings/<job>/<run>/<id>.json}. */
  public static String nodeTimingsPrefix(String job) {
    return "timings/" + job + "/";
  }

  /** How many of a job's most recent runs keep their per-node timings objects. */
  static final int KEEP_RUNS = 5;

  /** Reads the stored timings of a job, every run's (empty when none were stored yet). */
  public static Timings timings(BlobStore store, String job) throws IOException {
    return NodeTimings.all(history(store, job), nodeTimings(store, job).values().stream().toList());
  }

  /**
   * The timings a split in workflow {@code workflowId} uses: those stored before that run, never
   * the ones its own nodes stored meanwhile (see {@link TimingsHistory}).
   */
  public static Timings timings(BlobStore store, String job, String workflowId) throws IOException {
    return NodeTimings.forRun(history(store, job), nodeTimings(store, job).values().stream().toList(), workflowId);
  }

  private static TimingsHistory history(BlobStore store, String job) throws IOException {
    Optional<byte[]> b = store.getBytes(timingsKey(job));
    if (b.isEmpty()) {
      return TimingsHistory.empty();
    }
    return TimingsHistory.of(JSON.readValue(b.get(), new TypeReference<Map<String, Object>>() {}));
  }

  /** Every node's timings object of a job by key; an unreadable one is skipped (a split is only a heuristic). */
  private static Map<String, NodeTimings> nodeTimings(BlobStore store, String job) throws IOException {
    Map<String, NodeTimings> out = new LinkedHashMap<>();
    for (BlobStore.Blob blob : store.list(nodeTimingsPrefix(job))) {
      if (!blob.key().endsWith(".json")) {
        continue;
      }
      Optional<byte[]> b = store.getBytes(blob.key());
      if (b.isEmpty()) {
        continue; // pruned meanwhile
      }
      try {
        out.put(blob.key(), NodeTimings.of(JSON.readValue(b.get(), new TypeReference<Map<String, Object>>() {})));
      } catch (IOException | RuntimeException e) {
        // a damaged object must not stop a split; its tests count as without timings
      }
    }
    return out;
  }

  /**
   * Stores one node's timings as an object of its own (never a read-modify-write of a shared one,
   * so parallel nodes cannot lose each other's entries), then removes the objects of runs older than
   * the {@link #KEEP_RUNS} most recent, best effort.
   */
  private void storeTimings(String job, String workflowId, Timings timings) throws IOException {
    String run = workflowId == null || workflowId.isBlank() ? "_" : workflowId;
    NodeTimings mine = new NodeTimings(workflowId, System.currentTimeMillis(), timings);
    store.putBytes(nodeTimingsPrefix(job) + run + "/" + UUID.randomUUID() + ".json", JSON.writeValueAsBytes(mine.asMap()));
    try {
      Map<String, NodeTimings> all = nodeTimings(store, job);
      Set<String> old = NodeTimings.runsBeyond(all.values().stream().toList(), KEEP_RUNS, workflowId);
      for (Map.Entry<String, NodeTimings> e : all.entrySet()) {
        if (old.contains(String.valueOf(e.getValue().run()))) {
          store.delete(e.getKey());
        }
      }
    } catch (IOException | RuntimeException e) {
      log.accept("Older test timings were not pruned: " + e.getMessage());
    }
  }

  /** Stores the results of a node of workflow {@code workflowId} under {@code prefix}; returns every test case found. */
  public List<JUnitReport.TestCase> store(Path path, String prefix, String job, String workflowId)
      throws IOException {
    return store(path, prefix, job, workflowId, (name, xml) -> { });
  }

  /** As {@link #store(Path, String, String, String)}, handing each report to {@code reports} as well. */
  public List<JUnitReport.TestCase> store(Path path, String prefix, String job, String workflowId,
      java.util.function.BiConsumer<String, byte[]> reports) throws IOException {
    List<JUnitReport.TestCase> cases = new ArrayList<>();
    Path real = volume.confine(path);
    List<Path> files = volume.files(real).stream()
        .filter(f -> f.equals(real) || f.toString().endsWith(".xml")).toList();
    for (Path f : files) {
      byte[] xml = volume.readAllBytes(f);
      cases.addAll(JUnitReport.parse(new ByteArrayInputStream(xml), f.toString()));
      String name = (real.equals(f) ? f.getFileName() : real.relativize(f)).toString();
      store.putBytes(prefix + name, xml);
      reports.accept(name, xml);
    }
    if (files.isEmpty()) {
      log.accept("No JUnit XML found at " + path);
      return cases;
    }
    JUnitReport.Totals t = JUnitReport.Totals.of(cases);
    log.accept(t.tests() + " tests, " + t.passed() + " passed, " + t.failed() + " failed, " + t.skipped() + " skipped");
    for (JUnitReport.TestCase c : cases) {
      if (c.status() == JUnitReport.Status.FAILED) {
        log.accept("  FAILED " + (c.classname().isEmpty() ? "" : c.classname() + " ") + c.name()
            + (c.message() == null ? "" : ": " + c.message().lines().findFirst().orElse("")));
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JUnitReport.TestCase c : cases) {
      rows.add(Map.of("classname", c.classname(), "name", c.name(), "file", c.file() == null ? "" : c.file(),
          "seconds", c.seconds(), "status", c.status().name().toLowerCase(),
          "message", c.message() == null ? "" : c.message()));
    }
    store.putBytes(prefix + "summary.json", JSON.writeValueAsBytes(Map.of(
        "tests", t.tests(), "passed", t.passed(), "failed", t.failed(), "skipped", t.skipped(), "cases", rows)));
    storeTimings(job, workflowId, Timings.of(cases));
    return cases;
  }
}
