package dev.circlet.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.operator.reconciler.OperatorHarness;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator as it ships: the packaged Quarkus application started as a process with nothing
 * but a kubeconfig, on its embedded configuration (leader election on), against a real API server.
 */
@KubeCluster
class PackagedOperatorIT {
  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");
  private static Process operator;
  private static Path log;
  private static KubernetesClient client;

  @BeforeAll
  static void start(KubeControlPlane cluster) throws IOException {
    assertThat(JAR).as("the packaged operator (mvn package)").exists();
    ClusterFixture.install(cluster);
    client = cluster.newClient();
    log = Files.createTempFile("circlet-operator", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Dquarkus.http.port=0", "-jar", JAR.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("KUBECONFIG", cluster.kubeconfigPath().toString());
    pb.environment().put("HOSTNAME", "packaged-operator-it");
    operator = pb.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.destroy();
      if (!operator.waitFor(30, TimeUnit.SECONDS)) {
        operator.destroyForcibly();
      }
    }
    if (client != null) {
      client.close();
    }
  }

  static String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void runsBuildsWithHealthMetricsAndALeaseOnItsEmbeddedDefaults() throws Exception {
    int[] port = new int[1];
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .alias("the operator listens (log: " + log + ")").until(() -> {
          assertThat(operator.isAlive()).as("operator process\n" + logText()).isTrue();
          Matcher m = LISTENING.matcher(logText());
          if (m.find()) {
            port[0] = Integer.parseInt(m.group(1));
          }
          return port[0] > 0;
        });
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .alias("ready: leader and informers synced").ignoreExceptions()
        .until(() -> get(port[0], "/q/health/ready").statusCode() == 200);

    String ns = "packaged";
    ClusterFixture.organization(client, "packaged-org", 2);
    OperatorHarness.bind(client, ns, "packaged-org");
    client.resource(OperatorHarness.build(ns, "hello", "packaged-org", "medium")).create();
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .alias("the Build gets its pod").until(() -> client.pods().inNamespace(ns).withName("hello").get() != null);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      Build b = client.resources(Build.class).inNamespace(ns).withName("hello").get();
      return b.getStatus() != null && List.of(BuildPhase.Admitted, BuildPhase.Running).contains(b.getStatus().phase);
    });

    assertThat(client.leases().inNamespace(client.getNamespace()).withName("circlet-operator-leader").get()
        .getSpec().getHolderIdentity()).isEqualTo("packaged-operator-it");
    assertThat(get(port[0], "/q/health/live").statusCode()).isEqualTo(200);
    String metrics = get(port[0], "/q/metrics").body();
    assertThat(metrics).contains("circlet_admission_latency_seconds", "circlet_builds");
  }
}
