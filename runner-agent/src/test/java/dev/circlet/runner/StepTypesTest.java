package dev.circlet.runner;

import static dev.circlet.runner.JobHarness.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.runner.store.BlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each non-run step type through a whole job run on the local shim and store. */
class StepTypesTest {
  @TempDir Path tmp;
  JobHarness h;
  RecordingLog log = new RecordingLog();

  @BeforeEach
  void setUp() throws Exception {
    h = new JobHarness(tmp);
    Files.writeString(h.project.resolve("README"), "hello from the project\n");
    Files.createDirectories(h.project.resolve("src"));
    Files.writeString(h.project.resolve("src/a.test.js"), "a".repeat(100));
    Files.writeString(h.project.resolve("src/b.test.js"), "b".repeat(10));
    Files.writeString(h.project.resolve("src/c.test.js"), "c".repeat(50));
    Files.createDirectories(h.project.resolve(".circlet/store"));
    Files.writeString(h.project.resolve(".circlet/private"), "never copied");
  }

  private List<String> keys(String prefix) throws Exception {
    return h.store.list(prefix).stream().map(BlobStore.Blob::key).toList();
  }

  @Test
  void checkoutCopiesTheWorkingTreeWithoutCircletStateAndIntoPath() throws Exception {
    JobResult r = h.run("j", List.of(step("checkout", Map.of()), step("checkout", Map.of("path", "copy")),
        TestJobs.run("ls", "cat README; ls -a copy")), log);
    assertThat(r.outcome()).isEqualTo("success");
    assertThat(log.text()).contains("ls: hello from the project").contains("ls: src").doesNotContain(".circlet");
    assertThat(h.home("j").resolve("project/copy/README")).exists();
  }

  @Test
  void saveCacheIsImmutableAndRestoreTakesNewestPrefixMatch() throws Exception {
    JobResult first = h.run("j", List.of(
        TestJobs.run("make", "mkdir -p ~/.cache/x && echo v1 > ~/.cache/x/f && echo dep > deps.lock"),
        step("save_cache", Map.of("key", "deps-{{ checksum \"deps.lock\" }}-{{ .Branch }}", "paths", List.of("~/.cache/x"))),
        TestJobs.run("change", "echo v2 > ~/.cache/x/f"),
        step("save_cache", Map.of("key", "deps-{{ checksum \"deps.lock\" }}-{{ .Branch }}", "paths", List.of("~/.cache/x")))), log);
    assertThat(first.outcome()).isEqualTo("success");
    assertThat(log.text()).contains("Skipping cache generation, cache already exists for key: deps-");
    Thread.sleep(1100);
    h.run("k", List.of(TestJobs.run("make", "mkdir -p ~/.cache/x && echo newer > ~/.cache/x/f"),
        step("save_cache", Map.of("key", "deps-other", "paths", List.of("~/.cache/x")))), log);

    RecordingLog second = new RecordingLog();
    JobResult r = h.run("m", List.of(
        step("restore_cache", Map.of("keys", List.of("nothing-{{ .Revision }}", "deps-"))),
        TestJobs.run("show", "cat ~/.cache/x/f"),
        step("restore_cache", Map.of("key", "missing-{{ epoch }}"))), second);
    assertThat(r.outcome()).isEqualTo("success");
    assertThat(second.text()).contains("Restored cache deps-other").contains("show: newer")
        .contains("No cache is found for keys: missing-");
  }

  /** Real keys with checksums and orb parameters get long: far past a file name once encoded. */
  @Test
  void cacheKeysOfSixHundredCharactersSaveAndRestoreByPrefix() throws Exception {
    String prefix = "v1-deps-" + "{{ .Branch }}-{{ arch }}-node_modules/@scope/pkg+=/".repeat(10);
    String key = prefix + "{{ checksum \"deps.lock\" }}-" + "x".repeat(80);
    JobResult saved = h.run("save", List.of(TestJobs.run("make", "mkdir -p nm && echo long > nm/f && echo dep > deps.lock"),
        step("save_cache", Map.of("key", key, "paths", List.of("nm")))), log);
    assertThat(saved.outcome()).as(log.text()).isEqualTo("success");
    String stored = log.text().lines().filter(l -> l.contains("Stored cache ")).findFirst().orElseThrow();
    assertThat(stored.substring(stored.indexOf("Stored cache ") + 13, stored.indexOf(" (")).length()).isGreaterThan(600);

    RecordingLog restored = new RecordingLog();
    JobResult r = h.run("restore", List.of(step("restore_cache", Map.of("keys", List.of("v2-nothing-{{ .Revision }}", prefix))),
        TestJobs.run("show", "cat nm/f")), restored);
    assertThat(r.outcome()).as(restored.text()).isEqualTo("success");
    assertThat(restored.text()).contains("show: long");
  }

  @Test
  void workspaceLayersFlowBetweenJobsOfTheWorkflow() throws Exception {
    h.run("producer", List.of(TestJobs.run("w", "mkdir -p out/sub && echo data > out/sub/f.txt && echo skip > out/g.log"),
        step("persist_to_workspace", Map.of("root", "out", "paths", List.of("sub/*.txt")))), log);
    RecordingLog l2 = new RecordingLog();
    JobResult r = h.run("consumer", List.of(step("attach_workspace", Map.of("at", "/tmp/../" + tmp.resolve("ws"))),
        TestJobs.run("r", "cat " + tmp.resolve("ws/sub/f.txt") + "; ls " + tmp.resolve("ws"))), l2);
    assertThat(r.outcome()).isEqualTo("success");
    assertThat(l2.text()).contains("r: data").doesNotContain("g.log");

    h.workflowId = "wf-other";
    RecordingLog l3 = new RecordingLog();
    JobResult none = h.run("lonely", List.of(step("attach_workspace", Map.of("at", "ws"))), l3);
    assertThat(none.outcome()).isEqualTo("failed");
    assertThat(l3.text()).contains("no workspace was persisted by an upstream job");
  }

  @Test
  void artifactsAreStoredUnderJobAndDestination() throws Exception {
    JobResult r = h.run("art", List.of(TestJobs.run("w", "mkdir -p dist/x && echo 1 > dist/a && echo 2 > dist/x/b && echo r > report.txt"),
        step("store_artifacts", Map.of("path", "dist", "destination", "build")),
        step("store_artifacts", Map.of("path", "report.txt"))), log);
    assertThat(r.artifacts()).containsExactly("artifacts/wf-1/art/0/build/a", "artifacts/wf-1/art/0/build/x/b",
        "artifacts/wf-1/art/0/report.txt");
    assertThat(new String(h.store.getBytes("artifacts/wf-1/art/0/build/x/b").orElseThrow()).strip()).isEqualTo("2");
  }

  @Test
  void testResultsAreCountedStoredAndFeedTimingsForSplitting() throws Exception {
    String xml = """
        <testsuites><testsuite name="s">
          <testcase classname="A" name="fast" file="src/a.test.js" time="0.5"/>
          <testcase classname="B" name="slow" file="src/b.test.js" time="9.0"/>
          <testcase classname="C" name="broken" file="src/c.test.js" time="1.0"><failure message="expected 1 got 2">trace</failure></testcase>
          <testcase classname="C" name="later" file="src/c.test.js" time="0.1"><skipped/></testcase>
        </testsuite></testsuites>""";
    Files.createDirectories(h.project.resolve("results"));
    Files.writeString(h.project.resolve("results/junit.xml"), xml);
    JobResult r = h.run("tests", List.of(step("checkout", Map.of()), step("store_test_results", Map.of("path", "results"))), log);
    assertThat(r.tests()).isEqualTo(new dev.circlet.runner.testing.JUnitReport.Totals(4, 2, 1, 1));
    assertThat(log.text()).contains("4 tests, 2 passed, 1 failed, 1 skipped").contains("FAILED C broken: expected 1 got 2");
    assertThat(keys("test-results/wf-1/tests/0/")).contains("test-results/wf-1/tests/0/junit.xml", "test-results/wf-1/tests/0/summary.json");

    // b is the slow file: with the earlier run's timings it gets node 0 to itself (a split reads
    // the timings from before its own run, so this is a later workflow)
    h.nodeTotal = 2;
    h.workflowId = "wf-2";
    RecordingLog split = new RecordingLog();
    h.run("tests", List.of(step("checkout", Map.of()),
        TestJobs.run("split", "circleci tests glob 'src/**/*.test.js' | circleci tests split --split-by=timings | tr '\\n' ' '"),
        TestJobs.run("byname", "circleci tests glob 'src/*.js' | circleci tests split"),
        TestJobs.run("bysize", "circleci tests glob 'src/*.js' | circleci tests split --split-by filesize | tr '\\n' ' '")), split);
    assertThat(split.text()).contains("split: src/b.test.js \n").contains("byname: src/a.test.js")
        .contains("byname: src/c.test.js").contains("bysize: src/a.test.js ");
  }

  @Test
  void toolErrorsReachTheStep() throws Exception {
    JobResult r = h.run("t", List.of(TestJobs.run("bad", "echo x | circleci tests split --split-by=magic")), log);
    assertThat(r.outcome()).isEqualTo("failed");
    assertThat(log.text()).contains("bad: circleci: unknown --split-by magic (name, filesize, timings)");
  }

  @Test
  void addSshKeysWithoutKeysAndSetupRemoteDockerExplainThemselves() throws Exception {
    JobResult r = h.run("k", List.of(step("add_ssh_keys", Map.of("fingerprints", List.of("aa:bb"))),
        step("setup_remote_docker", Map.of())), log);
    assertThat(r.outcome()).isEqualTo("success");
    assertThat(log.text()).contains("add_ssh_keys: no SSH keys were given to this build")
        .contains("no remote Docker engine is available");
  }
}
