package dev.circlet.charts;

import static dev.circlet.charts.Manifests.as;
import static dev.circlet.charts.Manifests.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.api.v1alpha1.Executor;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.Step;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator, configured exactly as the chart's ConfigMap configures it, running under
 * a token of the chart's operator ServiceAccount (TokenRequest), not as cluster-admin: with only
 * the rendered RBAC it takes the Lease and turns a Build into a Pod in a build namespace.
 */
@KubeCluster
class OperatorUnderChartRbacIT {
  private static final Path JAR = Path.of("../operator/target/quarkus-app/quarkus-run.jar");
  private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");
  private static final String BUILDS = "circlet-builds";
  private static final String OPERATOR_SA = "circlet-operator";
  private static Process operator;
  private static Path log;
  private static KubernetesClient operatorClient;
  private static String operatorToken;

  @BeforeAll
  static void installAndStart(KubeControlPlane cp) throws IOException {
    assertThat(JAR).as("the packaged operator (mvn -pl charts -am verify packages it)").exists();
    KubernetesClient admin = cp.client();
    cp.applyCrds(Helm.CHART.resolve("crds"));
    cp.createNamespace(Helm.NAMESPACE);
    // A short retention, so deleting finished Workflows (and what they own) happens in the test.
    List<GenericKubernetesResource> all = Manifests.render("--set", "operator.finishedTtl=3s");
    // What `helm install` creates, minus the workloads (this test runs the operator itself).
    for (GenericKubernetesResource r : all) {
      if (!r.getKind().equals("Deployment")) {
        admin.resource(r).fieldManager("helm").forceConflicts().serverSideApply();
      }
    }
    cp.createNamespace(BUILDS);

    TokenRequest token = admin.serviceAccounts().inNamespace(Helm.NAMESPACE).withName(OPERATOR_SA)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build());
    Path kubeconfig = Files.createTempFile("circlet-operator-sa", ".kubeconfig");
    operatorToken = token.getStatus().getToken();
    Files.writeString(kubeconfig, kubeconfig(cp, operatorToken));
    operatorClient = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
        .build();

    Map<String, String> env = as(one(all, "ConfigMap", OPERATOR_SA), ConfigMap.class).getData();
    log = Files.createTempFile("circlet-operator-sa", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Dquarkus.http.port=0", "-jar", JAR.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("HOSTNAME", "circlet-operator-sa-it");
    operator = pb.start();
  }

  private static String kubeconfig(KubeControlPlane cp, String token) {
    String ca = Base64.getEncoder().encodeToString(cp.caCertPem().getBytes(StandardCharsets.UTF_8));
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: kube-test
            cluster: {server: "%s", certificate-authority-data: %s}
        users:
          - name: circlet-operator
            user: {token: "%s"}
        contexts:
          - name: circlet-operator
            context: {cluster: kube-test, user: circlet-operator, namespace: %s}
        current-context: circlet-operator
        """.formatted(cp.masterUrl(), ca, token, Helm.NAMESPACE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.destroy();
      if (!operator.waitFor(30, TimeUnit.SECONDS)) {
        operator.destroyForcibly();
      }
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
  }

  private static String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private static int status(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Waits until the operator listens and is ready (leading, informers synced); returns its port. */
  private static synchronized int awaitReady() {
    int[] port = new int[1];
    Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
        .alias("the operator listens (log: " + log + ")").until(() -> {
          assertThat(operator.isAlive()).as("operator process\n" + logText()).isTrue();
          Matcher m = LISTENING.matcher(logText());
          if (m.find()) {
            port[0] = Integer.parseInt(m.group(1));
          }
          return port[0] > 0;
        });
    Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .alias("ready: leader with every informer synced (log: " + log + ")").ignoreExceptions()
        .until(() -> {
          assertThat(operator.isAlive()).as("operator process\n" + logText()).isTrue();
          return status(port[0], "/q/health/ready") == 200;
        });
    return port[0];
  }

  @Test
  void turnsABuildIntoAPodWithOnlyTheChartsRbac(KubernetesClient admin) {
    awaitReady();
    // The chart's default Organization and ResourceClass, in the chart's build namespace.
    admin.resource(build("hello")).create();
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .alias("the Build gets its pod (log: " + log + ")")
        .until(() -> admin.pods().inNamespace(BUILDS).withName("hello").get() != null);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
      Build b = admin.resources(Build.class).inNamespace(BUILDS).withName("hello").get();
      return b.getStatus() != null && List.of(BuildPhase.Admitted, BuildPhase.Running).contains(b.getStatus().phase);
    });
    Pod pod = admin.pods().inNamespace(BUILDS).withName("hello").get();
    assertThat(pod.getMetadata().getAnnotations()).as("job.json rides in the pod").containsKey("ci.circlet.dev/job");
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("default");
    assertThat(admin.secrets().inNamespace(BUILDS).withName("hello-agent").get()).as("no agent Secret").isNull();
    assertThat(admin.leases().inNamespace(Helm.NAMESPACE).withName("circlet-operator-leader").get()
        .getSpec().getHolderIdentity()).isEqualTo("circlet-operator-sa-it");
    assertThat(logText()).as("no request of the operator was refused").doesNotContainIgnoringCase("forbidden");
  }

  @Test
  void runsAWorkflowCancelsItAndDeletesItAfterRetention(KubernetesClient admin) {
    awaitReady();
    Workflow wf = new Workflow();
    wf.getMetadata().setName("web-1-release");
    wf.getMetadata().setNamespace(BUILDS);
    WorkflowSpec spec = new WorkflowSpec();
    spec.organization = "default";
    spec.pipeline = "web";
    spec.pipelineNumber = 1L;
    spec.workflowName = "release";
    JobSpec test = build("test").getSpec().job;
    test.requires.add("build");
    spec.jobs.add(build("build").getSpec().job);
    spec.jobs.add(test);
    wf.setSpec(spec);
    admin.resource(wf).create();

    // The Workflow's first Build, created by the operator, gets its pod (named after the Build).
    String buildName = Names.build("web-1-release", "build", null, 1);
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .alias("the Workflow's Build gets its pod (log: " + log + ")")
        .until(() -> admin.pods().inNamespace(BUILDS).withName(buildName).get() != null);

    // Cancel: the operator marks the Build cancelled (patch), deletes its pod, ends both, and
    // after the retention deletes the Workflow, whose Build and pod go with it.
    admin.resources(Workflow.class).inNamespace(BUILDS).withName("web-1-release")
        .edit(w -> {
          w.getSpec().cancel = true;
          return w;
        });
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .alias("the cancelled Workflow is deleted after its retention (log: " + log + ")")
        .until(() -> admin.resources(Workflow.class).inNamespace(BUILDS).withName("web-1-release").get() == null);
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .alias("the garbage collector removes the Build and its pod")
        .until(() -> admin.resources(Build.class).inNamespace(BUILDS).withName(buildName).get() == null
            && admin.pods().inNamespace(BUILDS).withName(buildName).get() == null);
    assertThat(logText()).as("no request of the operator was refused").doesNotContainIgnoringCase("forbidden");
  }

  @Test
  void theOperatorsTokenReachesNoFurtherThanTheChartGrants(KubernetesClient admin) {
    TokenReview review = admin.resource(new TokenReviewBuilder().withNewSpec().withToken(operatorToken).endSpec()
        .build()).create();
    assertThat(review.getStatus().getUser().getUsername()).as("the operator runs as the chart's ServiceAccount")
        .isEqualTo("system:serviceaccount:" + Helm.NAMESPACE + ":" + OPERATOR_SA);
    assertThat(operatorClient.pods().inNamespace(BUILDS).list()).isNotNull();
    assertForbidden(() -> operatorClient.pods().inNamespace("default").list());
    assertForbidden(() -> operatorClient.secrets().inNamespace("kube-system").list());
    assertForbidden(() -> operatorClient.resource(new PodBuilder().withNewMetadata().withName("x")
        .withNamespace("default").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("busybox")
        .endContainer().endSpec().build()).dryRun().create());
    // Namespaces are readable (the organization binding), never writable.
    assertThat(operatorClient.namespaces().list()).isNotNull();
    assertForbidden(() -> operatorClient.namespaces().withName(BUILDS).edit(n -> {
      n.getMetadata().getLabels().put("ci.circlet.dev/organization", "someone-else");
      return n;
    }));
    assertForbidden(() -> operatorClient.apiextensions().v1().customResourceDefinitions().list());
  }

  @Test
  void theGatewayMayTriggerWorkflowsButNotRunPods(KubeControlPlane cp) {
    Config impersonated = new ConfigBuilder(cp.config())
        .withImpersonateUsername("system:serviceaccount:" + Helm.NAMESPACE + ":circlet-gateway")
        .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + Helm.NAMESPACE,
            "system:authenticated")
        .build();
    try (KubernetesClient gateway = new KubernetesClientBuilder().withConfig(impersonated).build()) {
      Workflow wf = new Workflow();
      wf.getMetadata().setName("web-1-build");
      wf.getMetadata().setNamespace(BUILDS);
      WorkflowSpec spec = new WorkflowSpec();
      spec.organization = "default";
      spec.jobs.add(build("build").getSpec().job);
      wf.setSpec(spec);
      assertThat(gateway.resource(wf).dryRun().create().getMetadata().getUid()).isNotBlank();
      assertThat(gateway.resources(Build.class).inNamespace(BUILDS).list()).isNotNull();
      assertForbidden(() -> gateway.pods().inNamespace(BUILDS).list());
      assertForbidden(() -> gateway.secrets().inNamespace(BUILDS).list());
      assertForbidden(() -> gateway.resources(Workflow.class).inNamespace("default").list());
    }
  }

  private static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403));
  }

  private static Build build(String name) {
    Build b = new Build();
    b.getMetadata().setNamespace(BUILDS);
    b.getMetadata().setName(name);
    BuildSpec spec = new BuildSpec();
    spec.organization = "default";
    JobSpec job = new JobSpec();
    job.name = name;
    job.resourceClass = "medium";
    job.executor = Executor.docker("cimg/base:2024.01");
    job.steps.add(Step.run("hello", "echo hello"));
    spec.job = job;
    b.setSpec(spec);
    return b;
  }
}
