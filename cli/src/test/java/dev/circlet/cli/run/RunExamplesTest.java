package dev.circlet.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.cli.Circlet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs every example project, and a few failing ones, through {@code circlet run}. */
class RunExamplesTest {
  static final Path EXAMPLES = Path.of("..", "examples", "projects").toAbsolutePath().normalize();

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static synchronized Run circlet(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new Circlet()).execute(args);
      System.out.flush();
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** A fresh copy of an example, so runs neither share nor leave state in the repository. */
  Path copy(String example) throws IOException {
    return copyTo(example, tmp);
  }

  Path copyTo(String example, Path dir) throws IOException {
    Path src = EXAMPLES.resolve(example);
    Path dest = dir.resolve(example);
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.filter(p -> !src.relativize(p).toString().startsWith(".circlet")).toList()) {
        Path d = dest.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(d);
        } else {
          Files.copy(p, d, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return dest;
  }

  static List<Path> files(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).toList();
    }
  }

  @Test
  void everyExampleHasAConfigAndAReadme() throws IOException {
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      List<Path> projects = s.filter(Files::isDirectory).toList();
      assertThat(projects).extracting(p -> p.getFileName().toString())
          .contains("hello-world", "node-app", "fan-out", "orb-sections");
      for (Path p : projects) {
        assertThat(p.resolve(".circleci/config.yml")).exists();
        assertThat(p.resolve("README.md")).exists();
      }
    }
  }

  @Test
  void helloWorld() throws IOException {
    Path p = copy("hello-world");
    Run r = circlet("run", p.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("[hello] notice: docker image cimg/base:current is not started; the steps run in this machine's shell")
        .contains("[hello/Say hello] Hello, world from hello on node 0/1")
        .contains("[hello/Show the project] This file was checked out into the job's working directory.")
        .containsPattern("hello +success +\\S+ +- +-")
        .contains("Workflow main succeeded");
    assertThat(files(p.resolve(".circlet/runs/1/logs"), "hello.log")).hasSize(1);
  }

  @Test
  void nodeAppCachesTestsAndArtifacts() throws IOException {
    Path p = copy("node-app");
    Run first = circlet("run", p.toString());
    assertThat(first.code()).as(first.out() + first.err()).isZero();
    assertThat(first.out()).contains("cache miss").containsPattern("build-and-test +success +\\S+ +6 +0")
        .contains("[build-and-test#0/Uploading test results] 3 tests, 3 passed, 0 failed, 0 skipped");
    assertThat(files(p.resolve(".circlet/store/local/node-app/artifacts"), "dist/report.txt")).hasSize(2);
    assertThat(files(p.resolve(".circlet/store/local/node-app/test-results"), ".xml")).hasSize(3);
    assertThat(files(p.resolve(".circlet/store/local/node-app/timings/build-and-test"), ".json")).hasSize(2);

    Run second = circlet("run", p.toString());
    assertThat(second.code()).isZero();
    assertThat(second.out()).contains("[build-and-test#0/Build] cache hit").contains("[build-and-test#1/Build] cache hit")
        .contains("Skipping cache generation, cache already exists");
  }

  @Test
  void fanOutFanInPassesTheWorkspace() throws IOException {
    Path p = copy("fan-out");
    Run r = circlet("run", p.toString(), "--parallel", "3");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("[combine/Combine the shards] shard 1 saw seed-42")
        .contains("[combine/Combine the shards] shard 3 saw seed-42")
        .containsPattern("prepare +success").containsPattern("shard-2 +success").containsPattern("combine +success");
    List<Path> report = files(p.resolve(".circlet/store/local/fan-out/artifacts"), "combine/0/report.txt");
    assertThat(report).hasSize(1);
    assertThat(Files.readString(report.get(0))).contains("seed-42", "shard 2 saw seed-42");
  }

  /**
   * The vendored orb's boolean sections pick the installer's flag and the cache key's parts; the
   * key is longer than 250 characters once URL-encoded. Needs the compiler's boolean template
   * sections and the runner's fixed-length cache blob names.
   */
  @Test
  void orbSectionsRendersBooleanSectionsAndCachesUnderALongKey() throws IOException {
    Path p = copy("orb-sections");
    Run first = circlet("run", p.toString(), "--engine", "shell", "--branch", "main");
    assertThat(first.code()).as(first.out() + first.err()).isZero();
    assertThat(first.out() + first.err()).doesNotContain("<<#", "<<^", "<</", "parameters.");
    assertThat(first.out())
        .contains("[build/Install dependencies] install.sh (quiet): installed 6 dependencies into vendor/")
        .contains("[verbose-build/Install dependencies]   installed mocha 10.4.0")
        .contains("[verbose-build/Install dependencies] install.sh (verbose): installed 6 dependencies into vendor/")
        .contains("[build/Use the dependencies] vendor/ holds 6 dependencies");
    java.util.regex.Matcher stored = java.util.regex.Pattern.compile("\\[build/[^]]*\\] Stored cache (\\S+) \\(")
        .matcher(first.out());
    assertThat(stored.find()).as(first.out()).isTrue();
    String key = stored.group(1);
    assertThat(key).startsWith("v1-toolkit-dependencies-of-the-orb-sections-example-project-keyed-by-every-lock-file-and-the-branch-it-was-built-on-")
        .contains("-main-");
    assertThat(java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8)).hasSizeGreaterThan(250);
    java.util.regex.Matcher verbose = java.util.regex.Pattern.compile("\\[verbose-build/[^]]*\\] Stored cache (\\S+) \\(")
        .matcher(first.out());
    assertThat(verbose.find()).isTrue();
    assertThat(verbose.group(1)).doesNotContain("-main-");

    Run second = circlet("run", p.toString(), "--engine", "shell", "--branch", "main");
    assertThat(second.code()).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("[build/Restoring cache] Restored cache " + key)
        .contains("[build/Install dependencies] install.sh (quiet): dependencies already in vendor/")
        .contains("[verbose-build/Install dependencies] install.sh (verbose): dependencies already in vendor/");
    assertThat(circlet("config", "validate", p.resolve(".circleci/config.yml").toString()).code()).isZero();
  }

  @Test
  void failingWorkflowExitsOneAndBlocksDependents() throws IOException {
    Path p = tmp.resolve("failing");
    Files.createDirectories(p.resolve(".circleci"));
    Files.writeString(p.resolve(".circleci/config.yml"), """
        version: 2.1
        jobs:
          test:
            docker: [{image: cimg/base:current}, {image: postgres:16, name: db}]
            steps:
              - run: mkdir -p r && printf '<testsuite><testcase classname="A" name="ok"/><testcase classname="A" name="bad"><failure message="nope"/></testcase></testsuite>' > r/j.xml
              - run:
                  name: Flaky
                  command: echo "token is $API_TOKEN"; exit 3
              - run:
                  name: Never
                  command: echo never-printed
              - run:
                  name: On fail
                  command: echo on-fail-ran
                  when: on_fail
              - store_test_results:
                  path: r
          deploy:
            docker: [{image: cimg/base:current}]
            steps:
              - run: echo deploying
        workflows:
          ci:
            jobs:
              - test
              - deploy:
                  requires: [test]
        """);
    Run r = circlet("run", p.toString(), "-e", "API_TOKEN=super-secret-token");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("service container postgres:16 (db) is not started without a container engine")
        .contains("[test/Flaky] token is ********").doesNotContain("super-secret-token")
        .contains("[test/On fail] on-fail-ran").doesNotContain("never-printed")
        .containsPattern("test +failed +\\S+ +1 +1 +step \"Flaky\": exit 3").containsPattern("deploy +blocked +- +- +-")
        .contains("Workflow ci failed");
  }

  @Test
  void selectsJobsWorkflowsAndParameters() throws IOException {
    Path p = tmp.resolve("multi");
    Files.createDirectories(p.resolve(".circleci"));
    Files.writeString(p.resolve(".circleci/config.yml"), """
        version: 2.1
        parameters:
          greeting: {type: string, default: hi}
        jobs:
          a:
            docker: [{image: x}]
            steps: [{run: echo "a says << pipeline.parameters.greeting >>"}]
          b:
            docker: [{image: x}]
            steps: [{run: echo b-ran}]
        workflows:
          one: {jobs: [a, {b: {requires: [a]}}]}
          two: {jobs: [b]}
        """);
    Run ambiguous = circlet("run", p.toString());
    assertThat(ambiguous.code()).isEqualTo(2);
    assertThat(ambiguous.err()).contains("choose one with --workflow: one, two");

    Run onlyB = circlet("run", p.toString(), "--workflow", "one", "--job", "b");
    assertThat(onlyB.code()).isZero();
    assertThat(onlyB.out()).contains("b-ran").doesNotContain("a says");

    Run param = circlet("run", p.toString(), "--workflow", "one", "--param", "greeting=hello there");
    assertThat(param.code()).isZero();
    assertThat(param.out()).contains("a says hello there").contains("b-ran");

    assertThat(circlet("run", p.toString(), "--workflow", "three").err()).contains("no workflow three runs for this trigger");
    assertThat(circlet("run", p.toString(), "--workflow", "one", "--job", "zz").err()).contains("has no job zz; jobs: a, b");
  }

  @Test
  void badOrMissingConfigIsAClearError() throws IOException {
    Run missing = circlet("run", tmp.resolve("nothing").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("no .circleci/config.yml under");

    Path p = tmp.resolve("bad");
    Files.createDirectories(p.resolve(".circleci"));
    Files.writeString(p.resolve(".circleci/config.yml"), "version: 2.1\njobs:\n  a:\n    steps: 3\n");
    Run bad = circlet("run", p.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).containsPattern(":\\d+:\\d+: ").doesNotContain("Exception");
  }
}
