package dev.circlet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.JobState;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.runner.testing.TestSplitter;
import dev.circlet.runner.testing.NodeTimings;
import dev.circlet.runner.testing.TimingsHistory;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Workflow behaviour through the whole platform of {@code hack/dev-up}, with real build pods on the
 * process node: an approval job approved through the REST API, a cancel through the API, a job
 * timed out by its {@code no_output_timeout}, a failing job whose dependents do not run, a live tail
 * of a step that is still running, {@code parallelism: 3} split by the timings of the previous run,
 * and commit statuses posted to a stand-in of GitHub's statuses API. Every Pipeline is pushed at
 * the start, so the cases run side by side on the one platform.
 */
@Tag("e2e")
class WorkflowCasesE2ETest {
  private static final Duration DEADLINE = Duration.ofMinutes(6);
  private static final String DOCKER = "    docker: [{image: cimg/base:current}]\n";
  private static final List<String> SPLIT_ITEMS = List.of("tests/a", "tests/b", "tests/c", "tests/d", "tests/e",
      "tests/f");
  private static final Pattern SPLIT_LINE = Pattern.compile("SPLIT (\\d): ?(.*)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static DevPlatform dev;
  private static HttpServer vcs;
  /** Every status call the stand-in received: path and body. */
  private static final List<String[]> STATUSES = new CopyOnWriteArrayList<>();
  private static Path release;

  @BeforeAll
  static void start() throws Exception {
    dev = DevPlatform.shared();
    vcs = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(dev.env.get("CIRCLET_DEV_VCS_PORT"))),
        16);
    vcs.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (!"Bearer vcs-token".equals(auth)) {
          exchange.sendResponseHeaders(401, -1);
          return;
        }
        STATUSES.add(new String[] {exchange.getRequestURI().getPath(),
            new String(in.readAllBytes(), StandardCharsets.UTF_8)});
        exchange.sendResponseHeaders(201, -1);
      } finally {
        exchange.close();
      }
    });
    vcs.start();
    dev.client.resource(new SecretBuilder().withNewMetadata().withName("vcs-status").withNamespace(DevPlatform.NS)
        .endMetadata().addToStringData("token", "vcs-token")
        .addToStringData("api-url", "http://127.0.0.1:" + dev.env.get("CIRCLET_DEV_VCS_PORT")).build())
        .createOr(existing -> existing.update());
    release = dev.dir.resolve("release-ticker");

    pipeline("gated", true, """
        jobs:
          build:
        %s    steps: [{run: "echo built"}]
          deploy:
        %s    steps: [{run: "echo deployed"}]
        workflows:
          main:
            jobs:
              - build
              - hold: {type: approval, requires: [build]}
              - deploy: {requires: [hold]}
        """.formatted(DOCKER, DOCKER));
    pipeline("failing", true, """
        jobs:
          fail:
        %s    steps: [{run: "echo failing on purpose; exit 3"}]
          after:
        %s    steps: [{run: "echo should not run"}]
        workflows:
          main:
            jobs: [fail, {after: {requires: [fail]}}]
        """.formatted(DOCKER, DOCKER));
    pipeline("cancel", false, """
        jobs:
          forever:
        %s    steps: [{run: "echo waiting; sleep 600"}]
        workflows:
          main: {jobs: [forever]}
        """.formatted(DOCKER));
    pipeline("timeout", false, """
        jobs:
          quiet:
        %s    steps: [{run: {name: quiet, command: "echo start; sleep 600", no_output_timeout: 5s}}]
        workflows:
          main: {jobs: [quiet]}
        """.formatted(DOCKER));
    pipeline("live", false, """
        jobs:
          ticker:
        %s    steps:
              - run:
                  name: tick
                  command: |
                    i=0
                    while [ ! -f '%s' ]; do
                      i=$((i+1)); echo "tick $i"; sleep 1
                      [ "$i" -lt 900 ] || exit 1
                    done
                    echo released
        workflows:
          main: {jobs: [ticker]}
        """.formatted(DOCKER, release));
    pipeline("split", false, """
        jobs:
          split:
        %s    parallelism: 3
            steps:
              - run:
                  name: split
                  command: |
                    printf '%s\\n' > all.txt
                    circleci tests split --split-by=timings all.txt > mine.txt
                    echo "SPLIT $CIRCLE_NODE_INDEX: $(tr '\\n' ' ' < mine.txt)"
                    mkdir -p results
                    {
                      echo '<testsuite name="split">'
                      while read -r f; do
                        t=1; [ "$f" = tests/a ] && t=60
                        echo "<testcase classname=\\"split\\" name=\\"$f\\" file=\\"$f\\" time=\\"$t\\"/>"
                      done < mine.txt
                      echo '</testsuite>'
                    } > results/junit.xml
              - store_test_results: {path: results}
        workflows:
          main: {jobs: [split]}
        """.formatted(DOCKER, String.join("\\n", SPLIT_ITEMS)));
    for (String p : List.of("gated", "failing", "cancel", "timeout", "live", "split")) {
      acceptedPush(p, "e2e-case-" + p + "-1", revision(p + "-1"));
    }
  }

  @AfterAll
  static void stop() {
    if (vcs != null) {
      vcs.stop(0);
    }
  }

  @Test
  void anApprovalGatedDeployRunsOnceApprovedThroughTheApiAndTheCommitStatusEndsInSuccess() throws Exception {
    String wf = Names.workflow("gated", 1, "main");
    await(wf + " on hold after build", () -> phase(wf) == WorkflowPhase.OnHold
        && jobState(wf, "build") == JobState.Succeeded);
    assertThat(build(wf, "deploy")).as("deploy before the approval").isNull();
    HttpResponse<String> approved = dev.api("POST", "/api/v1/workflows/demo/" + wf + "/approve", dev.token(),
        "{\"job\":\"hold\"}");
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(202);
    await(wf + " ends", () -> phase(wf) != null && phase(wf).isTerminal());
    assertThat(phase(wf)).isEqualTo(WorkflowPhase.Succeeded);
    assertThat(build(wf, "deploy").getStatus().phase).isEqualTo(BuildPhase.Succeeded);
    assertThat(log(build(wf, "deploy"), 1)).contains("deployed");
    assertThat(awaitStatuses("gated", "success")).containsExactly("pending", "success");
  }

  @Test
  void aFailingJobLeavesItsDependentNotRunAndTheCommitStatusEndsInFailure() throws Exception {
    String wf = Names.workflow("failing", 1, "main");
    await(wf + " ends", () -> phase(wf) != null && phase(wf).isTerminal());
    assertThat(phase(wf)).isEqualTo(WorkflowPhase.Failed);
    Build fail = build(wf, "fail");
    assertThat(fail.getStatus().phase).isEqualTo(BuildPhase.Failed);
    assertThat(log(fail, 1)).contains("failing on purpose");
    assertThat(jobState(wf, "after")).isEqualTo(JobState.NotRun);
    assertThat(build(wf, "after")).as("a Build for the dependent").isNull();
    assertThat(awaitStatuses("failing", "failure")).containsExactly("pending", "failure");
  }

  @Test
  void aWorkflowCanceledThroughTheApiCancelsItsRunningBuild() throws Exception {
    String wf = Names.workflow("cancel", 1, "main");
    await(wf + " forever runs", () -> build(wf, "forever") != null && build(wf, "forever").getStatus() != null
        && build(wf, "forever").getStatus().phase == BuildPhase.Running);
    HttpResponse<String> canceled = dev.api("POST", "/api/v1/workflows/demo/" + wf + "/cancel", dev.token(), null);
    assertThat(canceled.statusCode()).as(canceled.body()).isEqualTo(202);
    await(wf + " ends", () -> phase(wf) != null && phase(wf).isTerminal());
    assertThat(phase(wf)).isEqualTo(WorkflowPhase.Canceled);
    await("the Build ends", () -> build(wf, "forever").getStatus().phase.isTerminal());
    assertThat(build(wf, "forever").getStatus().phase).isEqualTo(BuildPhase.Canceled);
  }

  @Test
  void aStepSilentLongerThanItsNoOutputTimeoutIsKilledAndTheJobTimesOut() throws Exception {
    String wf = Names.workflow("timeout", 1, "main");
    await(wf + " ends", () -> phase(wf) != null && phase(wf).isTerminal());
    assertThat(phase(wf)).isEqualTo(WorkflowPhase.Failed);
    Build quiet = build(wf, "quiet");
    assertThat(quiet.getStatus().phase).isEqualTo(BuildPhase.TimedOut);
    assertThat(log(quiet, 1)).contains("start").contains("Too long with no output (exceeded 5s)");
  }

  @Test
  void aRunningStepIsVisibleByLiveTailBeforeItEnds() throws Exception {
    String wf = Names.workflow("live", 1, "main");
    await(wf + " ticker runs", () -> build(wf, "ticker") != null && build(wf, "ticker").getStatus() != null
        && build(wf, "ticker").getStatus().phase == BuildPhase.Running);
    String name = build(wf, "ticker").getMetadata().getName();
    HttpRequest req = HttpRequest.newBuilder(URI.create(dev.gateway() + "/api/v1/builds/demo/" + name
        + "/steps/1/log/stream")).header("Authorization", "Bearer " + dev.token())
        .header("Accept", "text/event-stream").GET().build();
    HttpResponse<InputStream> stream = dev.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    StringBuffer seen = new StringBuffer();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          seen.append(line).append('\n');
        }
      } catch (IOException e) {
        seen.append("READ FAILED: ").append(e).append('\n');
      }
    }, "live-tail");
    reader.setDaemon(true);
    reader.start();
    try {
      await("tick 2 in the live tail", () -> seen.toString().contains("tick 2"));
      // The step cannot end before the release file exists: what was seen was seen while it ran.
      assertThat(build(wf, "ticker").getStatus().phase).isEqualTo(BuildPhase.Running);
      assertThat(seen.toString()).doesNotContain("released");
      Files.writeString(release, "go\n");
      await("the end of the step in the live tail", () -> seen.toString().matches("(?s).*event: ?end.*"));
      assertThat(seen.toString()).contains("released");
    } finally {
      reader.interrupt();
      stream.body().close();
    }
    await(wf + " ends", () -> phase(wf) != null && phase(wf).isTerminal());
    assertThat(build(wf, "ticker").getStatus().phase).isEqualTo(BuildPhase.Succeeded);
  }

  @Test
  void aParallelJobIsSplitByTheTimingsTheFirstRunStored() throws Exception {
    // No timings yet: every node of the first run splits alike (each test file once), whichever node
    // stores its results first; a node must not split by timings its own run's siblings just stored.
    Map<Integer, List<String>> first = splits(1);
    for (int node = 0; node < 3; node++) {
      assertThat(first.get(node)).as("node " + node + " of the first run")
          .isEqualTo(TestSplitter.byWeight(SPLIT_ITEMS, Map.of(), node, 3));
    }

    // What the first run's nodes stored (each node merges its own test cases in): only values they reported.
    Map<String, Double> timings = storedTimings();
    assertThat(timings).isNotEmpty();
    timings.forEach((file, seconds) -> assertThat(seconds).as(file).isEqualTo(file.equals("tests/a") ? 60.0 : 1.0));

    acceptedPush("split", "e2e-case-split-2", revision("split-2"));
    Map<Integer, List<String>> second = splits(2);
    for (int node = 0; node < 3; node++) {
      assertThat(second.get(node)).as("node " + node + " of the second run")
          .isEqualTo(TestSplitter.byWeight(SPLIT_ITEMS, timings, node, 3));
    }
    if (timings.containsKey("tests/a")) {
      assertThat(second.values()).as("the 60 s test file gets a node to itself").contains(List.of("tests/a"));
    }
  }

  // ----------------------------------------------------------------------------------------- helpers

  private static void pipeline(String name, boolean statuses, String jobsAndWorkflows) {
    Pipeline p = new Pipeline();
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace(DevPlatform.NS);
    p.setSpec(new PipelineSpec());
    p.getSpec().organization = "demo";
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = url(name);
    p.getSpec().repository.provider = "github";
    p.getSpec().repository.webhookSecretRef = "demo-webhook";
    p.getSpec().repository.statusSecretRef = statuses ? "vcs-status" : null;
    p.getSpec().config = "version: 2.1\n" + jobsAndWorkflows;
    dev.client.resource(p).createOr(existing -> existing.update());
  }

  private static String url(String pipeline) {
    return "https://github.com/ada/" + pipeline;
  }

  /** A commit id per name (the stand-in VCS server tells runs apart by it). */
  private static String revision(String name) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8)));
  }

  /** The first push of a new Pipeline: the gateway's secret snapshot may not know it yet. */
  private static void acceptedPush(String pipeline, String delivery, String revision) {
    byte[] body = DevPlatform.push(url(pipeline), revision, 0);
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).alias(delivery + " accepted")
        .until(() -> dev.github("push", delivery, body, dev.webhookSecret()).statusCode() == 202);
  }

  private static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias(what)
        .ignoreExceptionsInstanceOf(NullPointerException.class).until(condition);
  }

  private static Workflow workflow(String name) {
    return dev.client.resources(Workflow.class).inNamespace(DevPlatform.NS).withName(name).get();
  }

  private static WorkflowPhase phase(String wf) {
    Workflow w = workflow(wf);
    return w == null || w.getStatus() == null ? null : w.getStatus().phase;
  }

  private static JobState jobState(String wf, String job) {
    Workflow w = workflow(wf);
    return w == null || w.getStatus() == null || w.getStatus().job(job) == null ? null : w.getStatus().job(job).state;
  }

  private static List<Build> builds(String wf, String job) {
    return dev.client.resources(Build.class).inNamespace(DevPlatform.NS).withLabel(CircletApi.LABEL_WORKFLOW, wf)
        .withLabel(CircletApi.LABEL_JOB, job).list().getItems();
  }

  private static Build build(String wf, String job) {
    List<Build> b = builds(wf, job);
    return b.isEmpty() ? null : b.get(0);
  }

  /** A step's whole log through the REST API, once the gateway says it is complete. */
  private static String log(Build b, int step) {
    String path = "/api/v1/builds/demo/" + b.getMetadata().getName() + "/steps/" + step + "/log";
    String[] body = new String[1];
    await("log of step " + step + " of " + b.getMetadata().getName(), () -> {
      HttpResponse<String> r = dev.api("GET", path, dev.token(), null);
      body[0] = r.body();
      return r.statusCode() == 200 && "true".equals(r.headers().firstValue("X-Circlet-Log-Complete").orElse(""));
    });
    return body[0];
  }

  /** The states the stand-in received for the pipeline's commit, once the last is {@code last}. */
  private static List<String> awaitStatuses(String pipeline, String last) throws Exception {
    String path = "/repos/ada/" + pipeline + "/statuses/" + revision(pipeline + "-1");
    List<String> states = new ArrayList<>();
    await("commit status " + last + " for " + pipeline, () -> {
      states.clear();
      for (String[] s : STATUSES) {
        if (s[0].equals(path)) {
          assertThat(s[1]).contains("\"context\":\"circlet/main\"");
          states.add(JSON.readTree(s[1]).get("state").asText());
        }
      }
      return !states.isEmpty() && states.get(states.size() - 1).equals(last);
    });
    return states;
  }

  /** Each node's share in run {@code number} of split, from its SPLIT line, once all three succeeded. */
  private static Map<Integer, List<String>> splits(long number) {
    String wf = Names.workflow("split", number, "main");
    await(wf + " ends", () -> phase(wf) != null && phase(wf).isTerminal());
    assertThat(phase(wf)).isEqualTo(WorkflowPhase.Succeeded);
    List<Build> nodes = builds(wf, "split");
    assertThat(nodes).hasSize(3);
    Map<Integer, List<String>> out = new TreeMap<>();
    for (Build b : nodes) {
      Matcher m = SPLIT_LINE.matcher(log(b, 1));
      assertThat(m.find()).as("SPLIT line of " + b.getMetadata().getName()).isTrue();
      out.put(Integer.parseInt(m.group(1)), m.group(2).isBlank() ? List.of() : List.of(m.group(2).strip().split(" ")));
    }
    assertThat(out.keySet()).containsExactly(0, 1, 2);
    return out;
  }

  /**
   * The split job's stored timings by file name, as the runner keeps them in object storage (one
   * object per node, through the gateway's presigned URLs into its bucket).
   */
  private static Map<String, Double> storedTimings() throws IOException {
    List<Path> files;
    Path bucket = dev.bucket("circlet-logs");
    try (Stream<Path> s = Files.walk(bucket)) {
      files = s.filter(p -> !p.startsWith(bucket.resolve("logs")) && p.toString().contains("timings/split/") && p.toString().endsWith(".json")
          && Files.isRegularFile(p)).toList();
    }
    if (files.isEmpty()) {
      throw new AssertionError("no stored timings of job split");
    }
    List<NodeTimings> nodes = new ArrayList<>();
    for (Path f : files) {
      nodes.add(NodeTimings.of(JSON.readValue(f.toFile(), new TypeReference<Map<String, Object>>() {})));
    }
    return NodeTimings.all(TimingsHistory.empty(), nodes).of("filename");
  }

}
