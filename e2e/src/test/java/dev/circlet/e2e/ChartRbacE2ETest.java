package dev.circlet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The operator and the gateway with exactly the Helm chart's RBAC ({@code hack/dev-up --chart-rbac}):
 * each authenticates with its own ServiceAccount's token, configured by the chart's ConfigMap, and
 * an API trigger and a signed webhook each run a Workflow through admission, pods on the process
 * node and success, with the gateway's archive and REST status paths answering. Any rule the
 * chart lacks shows as a refused request in a component's log and a run that never finishes.
 */
@Tag("e2e")
class ChartRbacE2ETest {
  private static final Duration DEADLINE = Duration.ofMinutes(5);
  private static final String RELEASE_NS = "circlet-system";
  /** Its own Pipeline and repository: run numbers, caches and webhook matches apart from other tests. */
  private static final String PIPELINE = "chart-rbac";
  private static final Pattern TOKEN = Pattern.compile("token: \"([^\"]+)\"");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DevPlatform dev;
  private static Path repo;

  @BeforeAll
  static void start() throws IOException {
    dev = DevPlatform.shared();
    repo = dev.dir.resolve("repos").resolve(PIPELINE);
    if (!Files.isDirectory(repo.resolve(".git"))) {
      copy(DevPlatform.REPO.resolve("examples/dev/project"), repo);
      // Another dependency list: another cache key than the demo Pipeline's runs.
      Files.writeString(repo.resolve("deps.txt"), "chart-rbac dependencies\n");
      DevPlatform.git(repo, "init", "-q", "-b", "main");
      DevPlatform.git(repo, "add", "-A");
      DevPlatform.git(repo, "commit", "-qm", "Chart RBAC project");
    }
    Pipeline p = new Pipeline();
    p.getMetadata().setName(PIPELINE);
    p.getMetadata().setNamespace(DevPlatform.NS);
    PipelineSpec spec = new PipelineSpec();
    spec.organization = "demo";
    spec.repository = new PipelineSpec.Repository();
    spec.repository.url = "file://" + repo;
    spec.repository.provider = "github";
    spec.repository.webhookSecretRef = "demo-webhook";
    spec.repository.defaultBranch = "main";
    p.setSpec(spec);
    dev.client.resource(p).fieldManager("chart-rbac-e2e").forceConflicts().serverSideApply();
  }

  @Test
  void theOperatorAndTheGatewayRunAsTheChartsServiceAccountsAndNoMore() throws IOException {
    for (String component : List.of("operator", "gateway")) {
      String kubeconfig = Files.readString(dev.kubeconfig(component));
      Matcher m = TOKEN.matcher(kubeconfig);
      assertThat(m.find()).as(component + " kubeconfig carries a token").isTrue();
      TokenReview review = dev.client.resource(new TokenReviewBuilder().withNewSpec().withToken(m.group(1))
          .endSpec().build()).create();
      assertThat(review.getStatus().getAuthenticated()).isTrue();
      assertThat(review.getStatus().getUser().getUsername()).as("the " + component + "'s identity")
          .isEqualTo("system:serviceaccount:" + RELEASE_NS + ":circlet-" + component);
    }
    // Configured by the chart's ConfigMap: the Lease lives in the release namespace.
    Awaitility.await().atMost(DEADLINE).alias("the operator holds its Lease in " + RELEASE_NS).until(() -> {
      var lease = dev.client.leases().inNamespace(RELEASE_NS).withName("circlet-operator-leader").get();
      return lease != null && lease.getSpec().getHolderIdentity() != null;
    });
    try (KubernetesClient operator = client("operator"); KubernetesClient gateway = client("gateway")) {
      assertThat(operator.pods().inNamespace(DevPlatform.NS).list()).isNotNull();
      forbidden(() -> operator.pods().inNamespace("default").list());
      forbidden(() -> operator.secrets().inNamespace("kube-system").list());
      forbidden(() -> operator.rbac().clusterRoles().list());
      assertThat(gateway.resources(Pipeline.class).inNamespace(DevPlatform.NS).list()).isNotNull();
      forbidden(() -> gateway.pods().inNamespace(DevPlatform.NS).list());
      forbidden(() -> gateway.secrets().inNamespace(DevPlatform.NS).list());
      forbidden(() -> gateway.resources(Pipeline.class).inAnyNamespace().list());
    }
    // The rules applied are the rendered chart's, and none has a wildcard.
    List<HasMetadata> rendered;
    try (InputStream in = Files.newInputStream(dev.dir.resolve("manifests/chart.yaml"))) {
      rendered = dev.client.load(in).items();
    }
    List<String> roles = new ArrayList<>();
    for (HasMetadata r : rendered) {
      if (r.getKind().equals("Role") || r.getKind().equals("ClusterRole")) {
        roles.add(r.getKind() + " " + r.getMetadata().getName());
        String rules = JSON.writeValueAsString(dev.client.getKubernetesSerialization()
            .convertValue(r, GenericKubernetesResource.class).getAdditionalProperties().get("rules"));
        assertThat(rules).as(r.getKind() + " " + r.getMetadata().getName()).doesNotContain("\"*\"");
      }
    }
    assertThat(roles).contains("ClusterRole circlet-operator", "ClusterRole circlet-gateway",
        "Role circlet-operator", "Role circlet-gateway");
  }

  @Test
  void anApiTriggerAndAWebhookRunBuildsWithOnlyTheChartsRbac() throws Exception {
    String token = apiToken();

    // The REST trigger: the gateway reads the Pipeline and the namespace, queues the run, and its
    // consumer creates the Workflow; the operator admits its Builds and creates their pods.
    HttpResponse<String> triggered = api("POST", "/api/v1/pipelines/" + DevPlatform.NS + "/" + PIPELINE + "/runs",
        token, "{}");
    assertThat(triggered.statusCode()).as(triggered.body()).isEqualTo(202);
    JsonNode run = JSON.readTree(triggered.body());
    long first = run.get("number").asLong();
    List<Build> apiRun = awaitSucceeded(first);

    // The webhook: the gateway reads the Pipeline's webhook Secret to check the signature.
    Files.writeString(repo.resolve("message.txt"), "Pushed under the chart's RBAC\n");
    DevPlatform.git(repo, "commit", "-qam", "Chart RBAC push");
    byte[] body = DevPlatform.push("file://" + repo, DevPlatform.git(repo, "rev-parse", "HEAD"), 0);
    HttpResponse<String> accepted = dev.github("push", "chart-rbac-push-1", body, dev.webhookSecret());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    awaitSucceeded(first + 1);

    // The gateway's archive (its Workflow and Build watches) and the REST status paths.
    String wf = Names.workflow(PIPELINE, first, "main");
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias(wf + " archived as Succeeded")
        .until(() -> {
          HttpResponse<String> r = api("GET", "/api/v1/workflows/" + DevPlatform.NS + "/" + wf, token, null);
          return r.statusCode() == 200 && "Succeeded".equals(JSON.readTree(r.body()).path("phase").asText());
        });
    HttpResponse<String> detail = api("GET", "/api/v1/runs/" + run.get("id").asLong(), token, null);
    assertThat(detail.statusCode()).as(detail.body()).isEqualTo(200);
    assertThat(JSON.readTree(detail.body()).path("workflows").get(0).path("name").asText()).isEqualTo(wf);
    String build = apiRun.get(0).getMetadata().getName();
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias(build + " archived").until(() -> {
      HttpResponse<String> r = api("GET", "/api/v1/builds/" + DevPlatform.NS + "/" + build, token, null);
      return r.statusCode() == 200 && "Succeeded".equals(JSON.readTree(r.body()).path("phase").asText());
    });
    HttpResponse<String> queue = api("GET", "/api/v1/queue", token, null);
    assertThat(queue.statusCode()).as(queue.body()).isEqualTo(200);
    assertThat(JSON.readTree(queue.body()).path("capacity").asInt()).as("the Organization, read cluster-wide")
        .isPositive();
    assertThat(archivedWorkflows()).contains(wf, Names.workflow(PIPELINE, first + 1, "main"));

    for (String component : List.of("operator", "gateway")) {
      assertThat(dev.log(component)).as("no request of the " + component + " was refused")
          .doesNotContain("is forbidden: User \"system:serviceaccount:" + RELEASE_NS);
    }
  }

  /** Waits for Workflow chart-rbac-N-main and both of its Builds to succeed on the process node. */
  private static List<Build> awaitSucceeded(long number) {
    String wf = Names.workflow(PIPELINE, number, "main");
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias(wf + " has two Builds that ended")
        .until(() -> {
          List<Build> builds = dev.client.resources(Build.class).inNamespace(DevPlatform.NS)
              .withLabel(CircletApi.LABEL_WORKFLOW, wf).list().getItems();
          return builds.size() == 2 && builds.stream().allMatch(b -> b.getStatus() != null
              && b.getStatus().phase != null && b.getStatus().phase.isTerminal());
        });
    List<Build> builds = dev.client.resources(Build.class).inNamespace(DevPlatform.NS)
        .withLabel(CircletApi.LABEL_WORKFLOW, wf).list().getItems();
    for (Build b : builds) {
      assertThat(b.getStatus().phase).as(b.getMetadata().getName() + ": " + b.getStatus().message)
          .isEqualTo(BuildPhase.Succeeded);
      assertThat(b.getStatus().nodeName).as("its pod ran on the process node").isEqualTo("dev-node-1");
    }
    return builds;
  }

  /** An API token of Organization demo, minted with the gateway's bootstrap secret. */
  private static String apiToken() throws Exception {
    HttpResponse<String> r = api("POST", "/api/v1/organizations/demo/tokens", dev.adminToken(),
        "{\"name\":\"chart-rbac-e2e\",\"scopes\":[\"read\",\"write\"]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("token").asText();
  }

  private static HttpResponse<String> api(String method, String path, String bearer, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(dev.gateway() + path))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + bearer);
    req = json == null ? req.GET() : req.header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(json));
    return dev.http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> archivedWorkflows() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = dev.database(); PreparedStatement ps = c.prepareStatement(
        "SELECT name FROM workflow_archive WHERE namespace = ? AND pipeline = ?")) {
      ps.setString(1, DevPlatform.NS);
      ps.setString(2, PIPELINE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }

  private static KubernetesClient client(String component) throws IOException {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(dev.kubeconfig(component)))).build();
  }

  private static void forbidden(ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
