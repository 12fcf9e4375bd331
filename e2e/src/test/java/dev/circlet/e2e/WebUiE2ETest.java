package dev.circlet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.JobState;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.Workflow;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The web UI in Debian's chromium against the whole platform of {@code hack/dev-up}: the real
 * gateway (history in PostgreSQL written by its own archive and runner-API paths, logs through its
 * live tail and S3Proxy), the operator and the kube-apiserver with the process node running the
 * Builds. A push of a small shop project gives a run with a failed unit-test job, a long
 * integration job whose log grows while the browser watches, and an approval; the browser script
 * ({@code web-ui/e2e/gateway.mjs}) opens the run, watches the log grow, approves, cancels the
 * integration build and reads the failed test. This class then checks the platform did what the
 * UI asked. With {@code -Dcirclet.ui.docs=true} the screenshots go to docs/ui/gateway (the README shows them).
 */
@Tag("e2e")
class WebUiE2ETest {
  private static final Duration DEADLINE = Duration.ofMinutes(5);
  static final String CONFIG = """
      version: 2.1
      jobs:
        unit:
          docker: [{image: cimg/base:current}]
          steps:
            - checkout
            - run:
                name: npm test
                command: |
                  mkdir -p results
                  cp junit.xml results/junit.xml
                  printf ' \\033[32m✓\\033[0m src/cart/totals.test.ts (1 test)\\n'
                  printf ' \\033[31m×\\033[0m refuses the 100th item\\n'
                  printf '\\033[31mAssertionError: expected 100 to be at most 99\\033[0m\\n'
                  printf '    at src/cart/limits.test.ts:42:18\\n'
                  exit 1
            - store_test_results: {path: results}
        integration:
          docker: [{image: cimg/base:current}]
          steps:
            - run:
                name: Integration scenarios
                command: |
                  for i in $(seq 1 2400); do
                    printf '\\033[36mintegration\\033[0m scenario #%d: checkout with card \\033[32mok\\033[0m\\n' "$i"
                    sleep 0.25
                  done
        release:
          docker: [{image: cimg/base:current}]
          steps:
            - run: {name: Release, command: echo released}
      workflows:
        ci:
          jobs:
            - unit
            - integration
            - hold-release: {type: approval}
            - release: {requires: [hold-release]}
      """;
  static final String JUNIT = """
      <testsuite name="cart" tests="2" failures="1">
        <testcase classname="cart.totals" name="adds the items" file="src/cart/totals.test.ts" time="0.004"/>
        <testcase classname="cart.limits" name="refuses the 100th item" file="src/cart/limits.test.ts" time="0.043">
          <failure message="expected 100 to be at most 99">AssertionError: expected 100 to be at most 99
          at src/cart/limits.test.ts:42:18</failure>
        </testcase>
      </testsuite>
      """;
  private static DevPlatform dev;

  @BeforeAll
  static void start() {
    dev = DevPlatform.shared();
  }

  @Test
  void theBrowserOpensARunWatchesALogApprovesCancelsAndReadsAFailedTest() throws Exception {
    Path repo = dev.dir.resolve("repos/shop");
    Files.createDirectories(repo.resolve(".circleci"));
    Files.writeString(repo.resolve(".circleci/config.yml"), CONFIG);
    Files.writeString(repo.resolve("junit.xml"), JUNIT);
    DevPlatform.git(repo, "init", "-q", "-b", "main");
    DevPlatform.git(repo, "add", "-A");
    DevPlatform.git(repo, "commit", "-qm", "cart: refuse more than 99 items");
    String url = "file://" + repo;
    Pipeline demo = dev.client.resources(Pipeline.class).inNamespace(DevPlatform.NS).withName("demo").get();
    Pipeline shop = Serialization.clone(demo);
    shop.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("shop")
        .withNamespace(DevPlatform.NS).build());
    shop.setStatus(null);
    shop.getSpec().repository.url = url;
    dev.client.resource(shop).create();
    String token = apiToken();

    // The gateway learns of the new Pipeline from its watch; a push before that matches nothing.
    String workflow = Names.workflow("shop", 1, "ci");
    String revision = DevPlatform.git(repo, "rev-parse", "HEAD");
    int[] attempt = {0};
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(2)).alias("the push made " + workflow)
        .until(() -> {
          if (workflow(workflow).isPresent()) {
            return true;
          }
          assertThat(dev.github("push", "ui-push-" + attempt[0]++, DevPlatform.push(url, revision, 0),
              dev.webhookSecret()).statusCode()).isEqualTo(202);
          Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> workflow(workflow).isPresent()
              || deliveryDone("ui-push-" + (attempt[0] - 1)));
          return workflow(workflow).isPresent();
        });
    String unit = awaitBuild(workflow, "unit", p -> p == BuildPhase.Failed);
    String integration = awaitBuild(workflow, "integration", p -> p == BuildPhase.Running);

    List<String> command = List.of("node", "e2e/gateway.mjs");
    // Into a file, then printed: a forked test JVM's own stdout belongs to surefire.
    Path output = dev.dir.resolve("ui-browser.out");
    ProcessBuilder pb = new ProcessBuilder(command).directory(DevPlatform.REPO.resolve("web-ui").toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().put("CIRCLET_UI_URL", dev.gateway());
    pb.environment().put("CIRCLET_UI_TOKEN", token);
    pb.environment().put("CIRCLET_UI_NAMESPACE", DevPlatform.NS);
    pb.environment().put("CIRCLET_UI_UNIT_BUILD", unit);
    pb.environment().put("CIRCLET_UI_INTEGRATION_BUILD", integration);
    if (Boolean.getBoolean("circlet.ui.docs")) {
      pb.environment().put("CIRCLET_UI_SHOTS", DevPlatform.REPO.resolve("docs/ui/gateway").toString());
    }
    Process browser = pb.start();
    boolean finished = browser.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      browser.destroyForcibly();
    }
    String printed = Files.readString(output);
    System.out.println(printed);
    assertThat(finished).as("the browser tests finished: " + printed).isTrue();
    assertThat(browser.exitValue()).as(printed).isZero();

    // What the UI asked for happened on the platform.
    Build canceled = build(integration);
    assertThat(canceled.getSpec().cancel).isTrue();
    Awaitility.await().atMost(DEADLINE).alias(integration + " canceled")
        .until(() -> build(integration).getStatus().phase == BuildPhase.Canceled);
    Awaitility.await().atMost(DEADLINE).alias("hold-release approved and release ran").until(() -> {
      Workflow wf = workflow(workflow).orElseThrow();
      return wf.getStatus().jobs.stream().anyMatch(j -> j.name.equals("hold-release") && j.state == JobState.Succeeded)
          && wf.getStatus().jobs.stream().anyMatch(j -> j.name.equals("release") && j.state == JobState.Succeeded);
    });
  }

  /** An API token of Organization demo with read and write, stored as the gateway stores one (its SHA-256). */
  private static String apiToken() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String token = "circlet_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    try (Connection c = dev.database(); PreparedStatement ps = c.prepareStatement("INSERT INTO api_token"
        + " (organization, name, scopes, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, now())")) {
      ps.setString(1, "demo");
      ps.setString(2, "ui-browser");
      ps.setArray(3, c.createArrayOf("text", new String[] {"read", "write"}));
      ps.setBytes(4, MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
      ps.setString(5, "e2e");
      ps.executeUpdate();
    }
    return token;
  }

  private static boolean deliveryDone(String delivery) throws Exception {
    try (Connection c = dev.database(); PreparedStatement ps = c.prepareStatement(
        "SELECT status FROM webhook_delivery WHERE provider = 'github' AND delivery_id = ?")) {
      ps.setString(1, delivery);
      try (var rs = ps.executeQuery()) {
        return rs.next() && List.of("created", "nothing").contains(rs.getString(1));
      }
    }
  }

  private static Optional<Workflow> workflow(String name) {
    return Optional.ofNullable(dev.client.resources(Workflow.class).inNamespace(DevPlatform.NS).withName(name).get());
  }

  private static Build build(String name) {
    return dev.client.resources(Build.class).inNamespace(DevPlatform.NS).withName(name).get();
  }

  /** The name of the job's Build once its phase passes {@code until}. */
  private static String awaitBuild(String workflow, String job, java.util.function.Predicate<BuildPhase> until) {
    String[] name = {null};
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias(job + " of " + workflow)
        .until(() -> {
          for (Build b : dev.client.resources(Build.class).inNamespace(DevPlatform.NS)
              .withLabel(CircletApi.LABEL_WORKFLOW, workflow).withLabel(CircletApi.LABEL_JOB, job).list().getItems()) {
            if (b.getStatus() != null && b.getStatus().phase != null && until.test(b.getStatus().phase)) {
              name[0] = b.getMetadata().getName();
              return true;
            }
          }
          return false;
        });
    return name[0];
  }
}
