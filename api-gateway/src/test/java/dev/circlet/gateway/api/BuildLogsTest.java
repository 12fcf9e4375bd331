package dev.circlet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.gateway.builds.BuildRecordsReader;
import dev.circlet.proto.runner.v1.LogAck;
import dev.circlet.proto.runner.v1.LogChunk;
import dev.circlet.proto.runner.v1.LogFrame;
import dev.circlet.proto.runner.v1.RunnerGrpc;
import dev.circlet.proto.runner.v1.StepEvent;
import dev.circlet.proto.runner.v1.StepOutputEnd;
import dev.circlet.proto.runner.v1.StreamOpen;
import dev.circlet.proto.runner.v1.TestResults;
import dev.circlet.proto.runner.v1.TransferRequest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One gateway process serving the runner API (gRPC on its HTTP port) and the log reads: a runner
 * streams a step while a WebSocket tail receives it, the tail is dropped and resumed from its offset,
 * the raw log and SSE agree, organizations and tokens are enforced, and step events, test results and
 * artifacts land in PostgreSQL idempotently.
 */
@Tag("services")
@QuarkusTest
@QuarkusTestResource(value = GatewayServices.class, restrictToAnnotatedClass = true)
class BuildLogsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration DEADLINE = Duration.ofSeconds(120);
  static final String RUNNER_TOKEN = "runner-token-of-b1";
  static final String RUNNER_AUDIENCE = "circlet.dev/runner";

  @TestHTTPResource("/")
  URI base;

  @Inject
  BuildRecordsReader records;

  final HttpClient http = HttpClient.newHttpClient();
  static ManagedChannel channel;

  @BeforeAll
  static void cluster() {
    KubernetesClient client = GatewayServices.client();
    namespace(client, "acme-ci", "acme");
    namespace(client, "globex-ci", "globex");
    build(client, "acme-ci", "b1", "acme", "uid-b1");
    build(client, "globex-ci", "g1", "globex", "uid-g1");
    // a Build naming acme in a namespace acme does not own
    build(client, "globex-ci", "claims-acme", "acme", "uid-claims");
    runnerIdentity(client, "acme-ci", "b1", RUNNER_TOKEN);
  }

  /**
   * What the API server would hold and answer for Build {@code build}'s runner: the Build's status
   * names its pod, the pod is controlled by the Build, and a TokenReview of {@code token} for the
   * runner audience names that pod in its pod-bound claims (any other token is not authenticated).
   */
  static void runnerIdentity(KubernetesClient client, String namespace, String build, String token) {
    Build b = client.resources(Build.class).inNamespace(namespace).withName(build).get();
    b.setStatus(new BuildStatus());
    b.getStatus().podName = Names.pod(build);
    client.resource(b).updateStatus();
    Pod pod = client.resource(new PodBuilder().withNewMetadata().withNamespace(namespace).withName(Names.pod(build))
        .addNewOwnerReference().withApiVersion(CircletApi.API_VERSION).withKind("Build").withName(build)
        .withUid(b.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata().build()).create();
    TokenReviewStatus bound = new TokenReviewStatusBuilder().withAuthenticated(true).withAudiences(RUNNER_AUDIENCE)
        .withNewUser().withUsername("system:serviceaccount:" + namespace + ":circlet-runner")
        .addToExtra("authentication.kubernetes.io/pod-name", List.of(pod.getMetadata().getName()))
        .addToExtra("authentication.kubernetes.io/pod-uid", List.of(pod.getMetadata().getUid())).endUser().build();
    GatewayServices.kube.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(201, request -> {
          TokenReview review = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
          boolean ours = token.equals(review.getSpec().getToken())
              && review.getSpec().getAudiences().contains(RUNNER_AUDIENCE);
          review.setStatus(ours ? bound : new TokenReviewStatusBuilder().withAuthenticated(false).build());
          return review;
        }).always();
    // the gateway reads the Build by apiVersion and kind, which a real API server's discovery answers
    GatewayServices.kube.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(Build.class));
  }

  @AfterAll
  static void closeChannel() {
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  static void namespace(KubernetesClient client, String name, String org) {
    client.resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .addToLabels(CircletApi.LABEL_ORGANIZATION, org).endMetadata().build()).create();
  }

  static void build(KubernetesClient client, String namespace, String name, String org, String uid) {
    Build b = new Build();
    b.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withUid(uid).build());
    BuildSpec spec = new BuildSpec();
    spec.organization = org;
    b.setSpec(spec);
    client.resource(b).create();
  }

  /** The uid the API server gave Build b1 (records are keyed by it). */
  static String uidOfB1() {
    return GatewayServices.client().resources(Build.class).inNamespace("acme-ci").withName("b1").get()
        .getMetadata().getUid();
  }

  RunnerGrpc.RunnerStub runner() {
    synchronized (BuildLogsTest.class) {
      if (channel == null) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", base.getPort()).usePlaintext().build();
      }
    }
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + RUNNER_TOKEN);
    return RunnerGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
  }

  RunnerGrpc.RunnerBlockingStub blockingRunner() {
    runner();
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + RUNNER_TOKEN);
    return RunnerGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** A runner's log stream: frames out, acknowledgements into a queue. */
  final class LogStream {
    final BlockingQueue<LogAck> acks = new LinkedBlockingQueue<>();
    final StreamObserver<LogFrame> out;
    long offset;

    LogStream() {
      out = runner().streamLogs(new StreamObserver<>() {
        @Override
        public void onNext(LogAck a) {
          acks.add(a);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      });
      out.onNext(LogFrame.newBuilder().setOpen(StreamOpen.getDefaultInstance()).build());
    }

    /** Sends output of step and waits until the gateway acknowledged it as durable. */
    void write(int step, String text) throws InterruptedException {
      write(step, text.getBytes(StandardCharsets.UTF_8));
    }

    void write(int step, byte[] b) throws InterruptedException {
      out.onNext(LogFrame.newBuilder().setChunk(LogChunk.newBuilder().setStep(step).setOffset(offset)
          .setData(ByteString.copyFrom(b))).build());
      offset += b.length;
      awaitAck(a -> a.getDurableOffset() >= offset);
    }

    void end(int step) throws InterruptedException {
      out.onNext(LogFrame.newBuilder().setEnd(StepOutputEnd.newBuilder().setStep(step).setLength(offset)).build());
      awaitAck(LogAck::getEnded);
      out.onCompleted();
    }

    private void awaitAck(java.util.function.Predicate<LogAck> done) throws InterruptedException {
      while (true) {
        LogAck a = acks.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(a).as("an acknowledgement from the gateway").isNotNull();
        if (done.test(a)) {
          return;
        }
      }
    }
  }

  /** A WebSocket tail: the JSON frames it received, in order. */
  static final class Tail implements WebSocket.Listener {
    final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    volatile boolean closed;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          frames.add(JSON.readTree(partial.toString()));
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      closed = true;
      return null;
    }

    String text() {
      StringBuilder b = new StringBuilder();
      frames.stream().filter(f -> f.has("data")).forEach(f -> b.append(f.get("data").asText()));
      return b.toString();
    }

    long next() {
      return frames.stream().filter(f -> f.has("next")).mapToLong(f -> f.get("next").asLong()).max().orElse(0);
    }

    boolean ended() {
      return frames.stream().anyMatch(f -> f.path("ended").asBoolean());
    }
  }

  WebSocket tail(String path, String token, Tail listener) {
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    URI ws = URI.create("ws://127.0.0.1:" + base.getPort() + "/" + path);
    return b.buildAsync(ws, listener).join();
  }

  int upgradeStatus(String path, String token) {
    try {
      tail(path, token, new Tail()).abort();
      return 101;
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  String token(String org, String scopes) throws Exception {
    HttpResponse<String> admin = send("POST", "api/v1/organizations/" + org + "/tokens", GatewayServices.BOOTSTRAP,
        "{\"name\":\"admin\",\"scopes\":[\"admin\"]}");
    String adminToken = JSON.readTree(admin.body()).get("token").asText();
    HttpResponse<String> r = send("POST", "api/v1/organizations/" + org + "/tokens", adminToken,
        "{\"name\":\"reader\",\"scopes\":[\"" + scopes + "\"]}");
    return JSON.readTree(r.body()).get("token").asText();
  }

  HttpResponse<String> send(String method, String path, String token, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String lines(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append("line ").append(i).append(" – ünïcödé €\n");
    }
    return b.toString();
  }

  @Test
  void a_tail_follows_a_running_step_and_resumes_after_a_drop_with_no_gap_and_no_repeat() throws Exception {
    String read = token("acme", "read");
    String path = "api/v1/builds/acme-ci/b1/steps/0/log/tail";
    blockingRunner().reportStep(StepEvent.newBuilder().setStep(0).setName("Run tests")
        .setKind(StepEvent.Kind.STARTED).setAtMillis(System.currentTimeMillis()).build());
    LogStream runner = new LogStream();
    runner.write(0, lines(0, 10));

    Tail first = new Tail();
    WebSocket ws = tail(path, read, first);
    runner.write(0, lines(10, 20));
    // the tail sees output written after it connected, while the step still runs
    await().atMost(DEADLINE).until(() -> first.text().contains("line 19 "));
    assertThat(first.ended()).isFalse();
    ws.abort();
    long resumeAt = first.next();

    runner.write(0, lines(20, 30));
    Tail second = new Tail();
    tail(path + "?offset=" + resumeAt, read, second);
    // a multi-byte character split across two chunks reaches the tail whole
    byte[] euro = "€\n".getBytes(StandardCharsets.UTF_8);
    runner.write(0, java.util.Arrays.copyOfRange(euro, 0, 1));
    runner.write(0, java.util.Arrays.copyOfRange(euro, 1, euro.length));
    runner.write(0, lines(30, 40));
    // as the agent does: the finished event first, then the end of the output
    blockingRunner().reportStep(StepEvent.newBuilder().setStep(0).setName("Run tests")
        .setKind(StepEvent.Kind.FINISHED).setExitCode(0).setStatus("success").setDurationMillis(1234)
        .setAtMillis(System.currentTimeMillis()).build());
    runner.end(0);
    await().atMost(DEADLINE).until(second::ended);

    String all = lines(0, 30) + "€\n" + lines(30, 40);
    long length = all.getBytes(StandardCharsets.UTF_8).length;
    // no gap, no repeat: what the first tail had up to its offset plus what the second sent is the log
    String firstPart = new String(all.getBytes(StandardCharsets.UTF_8), 0, (int) resumeAt, StandardCharsets.UTF_8);
    assertThat(first.text()).startsWith(firstPart);
    assertThat(firstPart + second.text()).isEqualTo(all);
    assertThat(second.frames.get(0).get("offset").asLong()).isEqualTo(resumeAt);
    JsonNode last = second.frames.get(second.frames.size() - 1);
    assertThat(last.get("length").asLong()).isEqualTo(length);
    // the end carries the status the runner reported
    assertThat(last.path("status").asText()).isEqualTo("success");
    await().atMost(DEADLINE).until(() -> second.closed);

    // the raw log, a byte range, and SSE resumed with Last-Event-ID agree with the tail
    HttpResponse<String> raw = send("GET", "api/v1/builds/acme-ci/b1/steps/0/log", read, null);
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.body()).isEqualTo(all);
    assertThat(raw.headers().firstValue("X-Circlet-Log-Complete")).contains("true");
    HttpResponse<String> range = send("GET", "api/v1/builds/acme-ci/b1/steps/0/log", read, null, "Range", "bytes=0-9");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(new String(all.getBytes(StandardCharsets.UTF_8), 0, 10, StandardCharsets.UTF_8));
    long lastLine = all.substring(0, all.lastIndexOf("line 39 ")).getBytes(StandardCharsets.UTF_8).length;
    HttpResponse<String> sse = send("GET", "api/v1/builds/acme-ci/b1/steps/0/log/stream", read, null,
        "Last-Event-ID", Long.toString(lastLine));
    assertThat(sse.body()).startsWith("id:" + length + "\nevent:log\ndata:line 39 ").contains("event:end")
        .doesNotContain("line 38");

    // the step is in PostgreSQL with its status, exit code and stored length
    BuildRecordsReader.Step step = records.steps(uidOfB1()).get(0);
    assertThat(step.name()).isEqualTo("Run tests");
    assertThat(step.status()).isEqualTo("success");
    assertThat(step.exitCode()).isZero();
    assertThat(step.durationMs()).isEqualTo(1234);
    assertThat(step.logBytes()).isEqualTo(length);
    // a repeated "started" (a runner retrying after a lost answer) does not undo the finish
    blockingRunner().reportStep(StepEvent.newBuilder().setStep(0).setName("Run tests")
        .setKind(StepEvent.Kind.STARTED).setAtMillis(System.currentTimeMillis()).build());
    assertThat(records.steps(uidOfB1())).hasSize(1).first().satisfies(s -> {
      assertThat(s.status()).isEqualTo("success");
      assertThat(s.finishedAt()).isEqualTo(step.finishedAt());
    });
  }

  @Test
  void other_organizations_get_404_and_no_token_gets_401() throws Exception {
    String acme = token("acme", "read");
    String globex = token("globex", "read");
    for (String build : List.of("acme-ci/b1", "globex-ci/claims-acme", "acme-ci/missing", "acme-ci/b1/steps/x")) {
      String p = "api/v1/builds/" + build + (build.endsWith("/x") ? "" : "/steps/0") + "/log";
      String who = build.equals("acme-ci/b1") ? globex : acme;
      assertThat(send("GET", p, who, null).statusCode()).as(p).isEqualTo(404);
      assertThat(send("GET", p + "/stream", who, null).statusCode()).as(p).isEqualTo(404);
      assertThat(upgradeStatus(p + "/tail", who)).as(p).isEqualTo(404);
    }
    String p = "api/v1/builds/acme-ci/b1/steps/0/log";
    HttpResponse<String> none = send("GET", p, null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(send("GET", p + "/stream", null, null).statusCode()).isEqualTo(401);
    assertThat(upgradeStatus(p + "/tail", null)).isEqualTo(401);
    assertThat(upgradeStatus(p + "/tail", "circlet_" + "A".repeat(43))).isEqualTo(401);
    assertThat(upgradeStatus(p + "/tail?offset=-1", acme)).isEqualTo(400);
    assertThat(send("GET", p, acme, null, "Range", "bytes=x").statusCode()).isEqualTo(400);
  }

  @Test
  void test_results_and_artifacts_are_recorded_once_per_report_and_path() throws Exception {
    String report = """
        <testsuite name="s"><testcase classname="a.A" name="ok" time="0.5"/>
        <testcase classname="a.A" name="bad"><failure message="boom"/></testcase></testsuite>""";
    TestResults upload = TestResults.newBuilder().setStep(1).setPath("junit/a.xml")
        .setContent(ByteString.copyFromUtf8(report)).build();
    // object storage is down in this test: the rows are written, the runner is told to retry, and
    // the retry leaves the same rows
    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> blockingRunner().uploadTestResults(upload))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
    List<BuildRecordsReader.Test> tests = records.tests(uidOfB1());
    assertThat(tests).hasSize(2);
    assertThat(tests).extracting(BuildRecordsReader.Test::name).containsExactly("bad", "ok");
    assertThat(tests.get(0).message()).isEqualTo("boom");
    assertThat(tests.get(1).durationMs()).isEqualTo(500);

    TransferRequest put = TransferRequest.newBuilder().setKind(TransferRequest.Kind.ARTIFACT)
        .setMethod(TransferRequest.Method.PUT).setKey("dist/app.tar.gz").build();
    blockingRunner().requestTransfer(put);
    blockingRunner().requestTransfer(put);
    blockingRunner().requestTransfer(put.toBuilder().setMethod(TransferRequest.Method.GET).setKey("other").build());
    // listed only once the object exists; then its size is kept
    assertThat(records.artifacts(uidOfB1(), key -> OptionalLong.empty())).isEmpty();
    List<BuildRecordsReader.Artifact> artifacts = records.artifacts(uidOfB1(), key -> OptionalLong.of(42));
    assertThat(artifacts).hasSize(1);
    assertThat(artifacts.get(0).path()).isEqualTo("dist/app.tar.gz");
    assertThat(artifacts.get(0).storageKey()).endsWith("dist/app.tar.gz");
    assertThat(records.artifacts(uidOfB1(), key -> OptionalLong.empty())).extracting(BuildRecordsReader.Artifact::sizeBytes)
        .containsExactly(42L);
  }
}
