package dev.circlet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.api.v1alpha1.Workflow;
import io.fabric8.kubernetes.api.model.Condition;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Faults against the whole platform of {@code hack/dev-up}: forged and oversized webhooks (2), a
 * Pipeline whose config is invalid (11), and PostgreSQL stopped for 30 s while a build runs and a
 * webhook arrives (8; the REST API answers 503 with Retry-After meanwhile, never 401). Each prints its {@code FAULT |} line for docs/faults.md.
 */
@Tag("e2e")
class PlatformFaultsE2ETest {
  private static final Duration DEADLINE = Duration.ofMinutes(5);
  private static final String OK_CONFIG = """
      version: 2.1
      jobs:
        hello:
          docker: [{image: cimg/base:current}]
          steps:
            - run: {name: greet, command: "echo hello from $CIRCLE_JOB"}
      workflows:
        main: {jobs: [hello]}
      """;
  private static DevPlatform dev;

  @BeforeAll
  static void start() {
    dev = DevPlatform.shared();
  }

  private static void pipeline(String name, String config) {
    Pipeline p = new Pipeline();
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace(DevPlatform.NS);
    p.setSpec(new PipelineSpec());
    p.getSpec().organization = "demo";
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = url(name);
    p.getSpec().repository.provider = "github";
    p.getSpec().repository.webhookSecretRef = "demo-webhook";
    p.getSpec().config = config;
    dev.client.resource(p).createOr(existing -> existing.update());
  }

  private static String url(String pipeline) {
    return "file:///srv/git/" + pipeline;
  }

  private static byte[] push(String pipeline, int padding) {
    return DevPlatform.push(url(pipeline), "0123456789abcdef0123456789abcdef01234567", padding);
  }

  /** The first push of a new Pipeline: the gateway's secret snapshot may not know it yet. */
  private static HttpResponse<String> acceptedPush(String pipeline, String delivery, int padding) {
    byte[] body = push(pipeline, padding);
    HttpResponse<String>[] last = new HttpResponse[1];
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).alias(delivery + " accepted")
        .until(() -> {
          last[0] = dev.github("push", delivery, body, dev.webhookSecret());
          return last[0].statusCode() == 202;
        });
    return last[0];
  }

  private static Workflow awaitWorkflow(String pipeline, long number) {
    String name = Names.workflow(pipeline, number, "main");
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias(name + " created")
        .until(() -> dev.client.resources(Workflow.class).inNamespace(DevPlatform.NS).withName(name).get() != null);
    return dev.client.resources(Workflow.class).inNamespace(DevPlatform.NS).withName(name).get();
  }

  private static String[] delivery(String id) throws SQLException {
    try (Connection c = dev.database(); PreparedStatement ps = c.prepareStatement(
        "SELECT status, reason FROM webhook_delivery WHERE provider = 'github' AND delivery_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
      }
    }
  }

  @Test
  void forgedAndOversizedWebhooksAreRefusedAndALargeValidOneRuns() throws Exception {
    pipeline("large", OK_CONFIG);
    HttpResponse<String> forged = dev.github("push", "e2e-forged", push("large", 0), "not-the-secret");
    assertThat(forged.statusCode()).isEqualTo(401);
    HttpResponse<String> huge = dev.github("push", "e2e-30mb", push("large", 30 << 20), dev.webhookSecret());
    assertThat(huge.statusCode()).isEqualTo(413);
    HttpResponse<String> large = acceptedPush("large", "e2e-20mb", 20 << 20);
    awaitWorkflow("large", 1);
    Awaitility.await().atMost(DEADLINE).until(() -> delivery("e2e-20mb") != null);
    // Deliveries are recorded in the order they were queued: the accepted one is, the refused ones are not.
    assertThat(delivery("e2e-forged")).isNull();
    assertThat(delivery("e2e-30mb")).isNull();
    DevPlatform.fault(2, "GitHub push signed with a wrong key; a 30 MB body; a valid 20 MB push",
        "forged " + forged.statusCode() + ", 30 MB " + huge.statusCode() + " (neither recorded nor queued), 20 MB "
            + large.statusCode() + " and Workflow large-1-main created", "nothing");
  }

  @Test
  void anInvalidConfigIsReportedOnThePipelineAndInTheDeliveryRecord() throws Exception {
    pipeline("broken", """
        version: 2.1
        jobs:
          build:
            docker: [{image: cimg/base:current}]
            steps: [checkout]
        workflows:
          main:
            jobs: [build, no-such-job]
        """);
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias("ConfigValid=False")
        .until(() -> configValid("broken") != null && "False".equals(configValid("broken").getStatus()));
    Condition cond = configValid("broken");
    assertThat(cond.getMessage()).matches("(?s).*\\d+:\\d+.*");
    acceptedPush("broken", "e2e-invalid", 0);
    Awaitility.await().atMost(DEADLINE).alias("the delivery is recorded")
        .until(() -> delivery("e2e-invalid") != null && !"processing".equals(delivery("e2e-invalid")[0]));
    String[] record = delivery("e2e-invalid");
    assertThat(record[1]).contains("invalid_config").containsPattern(":\\d+:\\d+");
    assertThat(dev.client.resources(Workflow.class).inNamespace(DevPlatform.NS)
        .withName(Names.workflow("broken", 1, "main")).get()).isNull();
    DevPlatform.fault(11, "a Pipeline whose config names a job that does not exist, then a push for it",
        "ConfigValid=False (" + cond.getMessage().lines().findFirst().orElse("") + "); delivery " + record[0] + ": "
            + record[1] + "; no Workflow", "nothing");
  }

  private static Condition configValid(String pipeline) {
    Pipeline p = dev.client.resources(Pipeline.class).inNamespace(DevPlatform.NS).withName(pipeline).get();
    if (p == null || p.getStatus() == null) {
      return null;
    }
    return p.getStatus().conditions.stream().filter(c -> "ConfigValid".equals(c.getType())).findFirst().orElse(null);
  }

  @Test
  void postgresStoppedForThirtySecondsLosesNoHistoryAndBuildsKeepRunning() throws Exception {
    pipeline("outage", """
        version: 2.1
        jobs:
          slow:
            docker: [{image: cimg/base:current}]
            steps:
              - run: {name: wait, command: "sleep 40; echo slept"}
        workflows:
          main: {jobs: [slow]}
        """);
    acceptedPush("outage", "e2e-pg-1", 0);
    awaitWorkflow("outage", 1);
    String wf1 = Names.workflow("outage", 1, "main");
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias(wf1 + " runs")
        .until(() -> builds(wf1).stream().anyMatch(b -> b.getStatus() != null
            && b.getStatus().phase == BuildPhase.Running));

    String token = dev.token();
    assertThat(dev.api("GET", "/api/v1/deliveries", token, null).statusCode()).isEqualTo(200);

    dev.stop("postgres");
    long stopped = System.nanoTime();
    HttpResponse<String> during = dev.github("push", "e2e-pg-2", push("outage", 0), dev.webhookSecret());
    // A valid token and one the database would not know: neither can be checked, so neither is a 401.
    HttpResponse<String> valid = dev.api("GET", "/api/v1/deliveries", token, null);
    HttpResponse<String> unknown = dev.api("GET", "/api/v1/runs", "circlet_" + "0".repeat(43), null);
    for (HttpResponse<String> r : List.of(valid, unknown)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }
    int tail = upgradeStatus("/api/v1/builds/demo/no-such-build/steps/1/log/tail", token);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .alias("30 s of outage").until(() -> System.nanoTime() - stopped >= Duration.ofSeconds(30).toNanos());
    dev.start("postgres");

    // The build ran through the outage; the push that arrived during it became its run afterwards.
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias(wf1 + " ends")
        .until(() -> builds(wf1).stream().allMatch(b -> b.getStatus().phase.isTerminal()));
    assertThat(builds(wf1)).allMatch(b -> b.getStatus().phase == BuildPhase.Succeeded);
    List<String> outcome = List.of("build through the outage Succeeded");
    if (during.statusCode() == 202) {
      awaitWorkflow("outage", 2);
      Awaitility.await().atMost(DEADLINE).until(() -> delivery("e2e-pg-2") != null
          && "created".equals(delivery("e2e-pg-2")[0]));
    } else {
      assertThat(during.statusCode()).isEqualTo(503);
    }
    assertThat(tail).isEqualTo(503);
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).alias("the API answers again")
        .until(() -> dev.api("GET", "/api/v1/deliveries", token, null).statusCode() == 200);
    DevPlatform.fault(8, "PostgreSQL stopped (fast shutdown) for 30 s during a running build and a push",
        String.join("", outcome) + "; the push answered " + during.statusCode()
            + (during.statusCode() == 202 ? " and its run was created after the restart" : "")
            + "; meanwhile the REST API answered " + valid.statusCode() + " (problem+json, Retry-After "
            + valid.headers().firstValue("Retry-After").orElse("") + ") to a valid token and " + unknown.statusCode()
            + " to an unknown one, never 401; a log tail upgrade " + tail + "; the same token worked after the restart",
        "nothing");
  }

  /** The status a WebSocket upgrade is refused with (101 when it is accepted). */
  private static int upgradeStatus(String path, String token) throws InterruptedException {
    try {
      dev.http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
          .connectTimeout(Duration.ofSeconds(60))
          .buildAsync(URI.create(dev.gateway().replace("http://", "ws://") + path), new WebSocket.Listener() {})
          .get(90, TimeUnit.SECONDS).abort();
      return 101;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw new AssertionError("the log tail upgrade failed without an answer", e);
    } catch (TimeoutException e) {
      throw new AssertionError("the log tail upgrade did not answer", e);
    }
  }

  private static List<Build> builds(String workflow) {
    return dev.client.resources(Build.class).inNamespace(DevPlatform.NS)
        .withLabel(CircletApi.LABEL_WORKFLOW, workflow).list().getItems();
  }
}
