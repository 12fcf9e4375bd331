package dev.circlet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A user's path through the whole platform started by {@code hack/dev-up}: a signed GitHub push
 * for the demo repository (served over {@code file://}) → the gateway reads .circleci/config.yml
 * at the pushed revision → pipeline run and Workflow → Builds admitted in the Organization →
 * pods on the process node → steps (checkout, run, cache, workspace, artifacts, test results) →
 * logs compacted in S3Proxy → the run's history in PostgreSQL. A second push restores the cache
 * the first saved; the same delivery sent again creates nothing (fault 1).
 */
@Tag("e2e")
class PushToStoredLogsE2ETest {
  private static final Duration DEADLINE = Duration.ofMinutes(5);
  private static DevPlatform dev;

  @BeforeAll
  static void start() {
    dev = DevPlatform.shared();
  }

  @Test
  void twoPushesRunTheProjectWithCacheWorkspaceArtifactsTestResultsLogsAndHistory() throws Exception {
    Path repo = dev.repository();
    String url = "file://" + repo;

    String first = DevPlatform.git(repo, "rev-parse", "HEAD");
    HttpResponse<String> accepted = dev.github("push", "e2e-push-1", DevPlatform.push(url, first, 0), dev.webhookSecret());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    List<Build> run1 = awaitSucceeded(1);
    assertThat(log(run1, "build")).contains("dependencies installed");
    assertThat(log(run1, "test")).contains("built: Hello from the Circlet demo project");
    assertThat(storeFiles("artifacts/")).anyMatch(p -> p.endsWith("app.txt"));
    assertThat(storeFiles("test-results/")).anyMatch(p -> p.toString().endsWith(".xml"));

    Files.writeString(repo.resolve("message.txt"), "Second push\n");
    DevPlatform.git(repo, "commit", "-qam", "Second push");
    String second = DevPlatform.git(repo, "rev-parse", "HEAD");
    byte[] body = DevPlatform.push(url, second, 0);
    assertThat(dev.github("push", "e2e-push-2", body, dev.webhookSecret()).statusCode()).isEqualTo(202);
    List<Build> run2 = awaitSucceeded(2);
    assertThat(log(run2, "build")).contains("dependencies restored from the cache");
    assertThat(log(run2, "test")).contains("built: Second push");

    // Fault 1: GitHub redelivers the same delivery; it must not make a third run.
    HttpResponse<String> again = dev.github("push", "e2e-push-2", body, dev.webhookSecret());
    assertThat(again.statusCode()).isBetween(200, 299);
    Awaitility.await().atMost(DEADLINE).alias("the redelivery is recorded")
        .until(() -> "created".equals(deliveryStatus("e2e-push-2")));
    assertThat(runsOfDelivery("e2e-push-2")).isEqualTo(1);
    assertThat(dev.client.resources(Workflow.class).inNamespace(DevPlatform.NS)
        .withName(Names.workflow("demo", 3, "main")).get()).isNull();
    assertThat(runs()).isEqualTo(2);
    DevPlatform.fault(1, "the same signed GitHub push delivered twice (same X-GitHub-Delivery)",
        "answered " + again.statusCode() + "; one pipeline run and one Workflow for the delivery", "nothing");
  }

  /** Waits for Workflow demo-N-main and both of its Builds to succeed. */
  private static List<Build> awaitSucceeded(long number) {
    String wf = Names.workflow("demo", number, "main");
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias(wf + " has two Builds that ended")
        .until(() -> {
          List<Build> builds = builds(wf);
          return builds.size() == 2 && builds.stream().allMatch(b -> b.getStatus() != null
              && b.getStatus().phase != null && b.getStatus().phase.isTerminal());
        });
    List<Build> builds = builds(wf);
    for (Build b : builds) {
      assertThat(b.getStatus().phase).as(b.getMetadata().getName() + ": " + b.getStatus().message)
          .isEqualTo(BuildPhase.Succeeded);
      assertThat(b.getStatus().nodeName).isEqualTo("dev-node-1");
    }
    return builds;
  }

  private static List<Build> builds(String workflow) {
    return dev.client.resources(Build.class).inNamespace(DevPlatform.NS)
        .withLabel(CircletApi.LABEL_WORKFLOW, workflow).list().getItems();
  }

  /** Every compacted step log of the job's Build in object storage, once one exists. */
  private static String log(List<Build> builds, String job) {
    Build b = builds.stream().filter(x -> job.equals(x.getMetadata().getLabels().get(CircletApi.LABEL_JOB)))
        .findFirst().orElseThrow();
    Path dir = dev.bucket("circlet-logs").resolve("logs").resolve(DevPlatform.NS).resolve(b.getMetadata().getName());
    StringBuilder out = new StringBuilder();
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
        .alias("step logs of " + b.getMetadata().getName() + " in object storage").until(() -> {
          out.setLength(0);
          for (Path f : files(dir)) {
            if (f.getFileName().toString().endsWith(".log")) {
              out.append(Files.readString(f));
            }
          }
          return out.toString().contains("\n") && !files(dir).stream().anyMatch(f -> f.getFileName().toString()
              .startsWith("seg-"));
        });
    return out.toString();
  }

  /**
   * Objects the build pods stored through the gateway's presigned URLs (they hold no storage
   * credentials): the gateway's bucket, under the Builds' storage scopes (beside its logs/).
   */
  private static List<Path> storeFiles(String under) {
    Path bucket = dev.bucket("circlet-logs");
    return files(bucket).stream().filter(p -> !p.startsWith(bucket.resolve("logs")) && p.toString().contains(under))
        .toList();
  }

  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String deliveryStatus(String delivery) throws SQLException {
    try (Connection c = dev.database(); PreparedStatement ps = c.prepareStatement(
        "SELECT status FROM webhook_delivery WHERE provider = 'github' AND delivery_id = ?")) {
      ps.setString(1, delivery);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static long runsOfDelivery(String delivery) throws SQLException {
    try (Connection c = dev.database(); PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM pipeline_run WHERE delivery_id = ? AND status = 'created'")) {
      ps.setString(1, delivery);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long runs() throws SQLException {
    try (Connection c = dev.database(); PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM pipeline_run WHERE namespace = 'demo' AND pipeline = 'demo' AND status = 'created'")) {
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
