package dev.circlet.kubetest.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The process node on the real control plane: pods bound to it run as local processes. */
@KubeCluster
class ProcessNodeTest {

  static final String NS = "process-node";
  static final String POOL = "process";
  static final Taint TAINT = new Taint("NoSchedule", "circlet.dev/process-node", null, "true");
  static final long WAIT = 120;

  static KubernetesClient client;
  static KubernetesClient nodeClient;
  static ProcessNode node;
  static Path work;

  @BeforeAll
  static void start(KubeControlPlane cp) throws IOException {
    client = cp.client();
    cp.createNamespace(NS);
    work = Files.createTempDirectory("process-node-test");
    nodeClient = cp.newClient();
    ImageMap images = ImageMap.parse("test/shell:* = @host", "test images").then(ProcessNodeConfig.defaultImages());
    node = ProcessNode.start(nodeClient, ProcessNodeConfig.of("process-1", POOL, work).withImages(images)
        .withTaints(List.of(TAINT)));
  }

  @AfterAll
  static void stop() throws IOException {
    if (node != null) {
      node.closeAndDeregister();
    }
    if (nodeClient != null) {
      nodeClient.close();
    }
    try (var s = Files.walk(work)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  static PodBuilder pod(String name) {
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).withLabels(Map.of("app", name)).endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withNodeSelector(Map.of(ProcessNodeConfig.POOL_LABEL, POOL))
        .addNewToleration().withKey(TAINT.getKey()).withOperator("Exists").withEffect("NoSchedule").endToleration()
        .addNewVolume().withName("out").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec();
  }

  static Pod await(String name, Predicate<Pod> condition) {
    return client.pods().inNamespace(NS).withName(name)
        .waitUntilCondition(p -> p != null && condition.test(p), WAIT, TimeUnit.SECONDS);
  }

  static Predicate<Pod> phase(String phase) {
    return p -> p.getStatus() != null && phase.equals(p.getStatus().getPhase());
  }

  static Path out(String pod, String file) {
    return node.podDir(NS, pod).resolve("volumes/out").resolve(file);
  }

  static ContainerStatus status(List<ContainerStatus> statuses, String name) {
    return statuses.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  static void eventually(String what, BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + " s: " + what);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void registersAReadyNodeWithALease() {
    Node n = client.nodes().withName("process-1").get();
    assertThat(n.getMetadata().getLabels()).containsEntry(ProcessNodeConfig.POOL_LABEL, POOL)
        .containsEntry("type", "process");
    assertThat(n.getSpec().getTaints()).contains(TAINT);
    assertThat(n.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("True");
    });
    assertThat(n.getStatus().getAllocatable()).containsKeys("cpu", "memory", "pods");
    var lease = client.leases().inNamespace("kube-node-lease").withName("process-1").get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("process-1");
    assertThat(lease.getSpec().getRenewTime()).isNotNull();
  }

  @Test
  void runsInitThenContainersAndReportsExitCodesAndMessages() throws IOException {
    Pod pod = pod("plain")
        .editSpec()
        .addNewInitContainer().withName("init").withImage("test/shell:1")
        .withCommand("/bin/sh", "-c", "echo from-init > /out/init.txt")
        .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount().endInitContainer()
        .addNewContainer().withName("a").withImage("test/shell:1")
        .withCommand("/bin/sh", "-c", "cat /out/init.txt > /out/a.txt; echo a-done > /dev/termination-log")
        .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount().endContainer()
        .addNewContainer().withName("b").withImage("test/shell:1")
        .withCommand("/bin/sh", "-c", "echo b > /out/b.txt; echo b-failed > /tmp-msg/m; exit 3")
        .withTerminationMessagePath("/tmp-msg/m")
        .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount().endContainer()
        .endSpec().build();
    client.resource(pod).create();

    Pod done = await("plain", phase("Failed"));

    assertThat(done.getSpec().getNodeName()).isEqualTo("process-1");
    var init = done.getStatus().getInitContainerStatuses().get(0).getState().getTerminated();
    assertThat(init.getExitCode()).isZero();
    assertThat(init.getReason()).isEqualTo("Completed");
    var a = status(done.getStatus().getContainerStatuses(), "a").getState().getTerminated();
    assertThat(a.getExitCode()).isZero();
    assertThat(a.getMessage()).isEqualTo("a-done\n");
    var b = status(done.getStatus().getContainerStatuses(), "b").getState().getTerminated();
    assertThat(b.getExitCode()).isEqualTo(3);
    assertThat(b.getReason()).isEqualTo("Error");
    assertThat(b.getMessage()).isEqualTo("b-failed\n");
    assertThat(done.getStatus().getConditions()).extracting(PodCondition::getType, PodCondition::getStatus)
        .contains(tuple("PodScheduled", "True"),
            tuple("Initialized", "True"),
            tuple("Ready", "False"));
    assertThat(Files.readString(out("plain", "a.txt"))).isEqualTo("from-init\n");
    assertThat(Files.readString(out("plain", "b.txt"))).isEqualTo("b\n");
  }

  @Test
  void succeedsWhenEveryContainerExitsZero() {
    client.resource(pod("ok").editSpec()
        .addNewContainer().withName("main").withImage("test/shell:1").withCommand("/bin/true").endContainer()
        .endSpec().build()).create();
    Pod done = await("ok", phase("Succeeded"));
    assertThat(done.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isZero();
    assertThat(done.getStatus().getStartTime()).isNotNull();
  }

  @Test
  void passesEnvironmentSecretsDownwardApiAndABoundToken() throws IOException {
    client.resource(new SecretBuilder().withNewMetadata().withName("creds").withNamespace(NS).endMetadata()
        .withStringData(Map.of("password", "s3cret")).build()).create();
    client.resource(new ConfigMapBuilder().withNewMetadata().withName("settings").withNamespace(NS).endMetadata()
        .withData(Map.of("mode", "fast")).build()).create();
    // The build pod's identity volume: a downwardAPI item from the pod's own annotation next to a
    // bound token, in one projected volume.
    Pod pod = pod("env").editMetadata().addToAnnotations("ci.circlet.dev/job", "{\"build\":\"env\"}").endMetadata()
        .editSpec()
        .addNewVolume().withName("creds").withNewSecret().withSecretName("creds").endSecret().endVolume()
        .addNewVolume().withName("info").withNewDownwardAPI().addNewItem().withPath("labels")
        .withNewFieldRef(null, "metadata.labels").endItem().endDownwardAPI().endVolume()
        .addNewVolume().withName("tok").withNewProjected().addNewSource().withNewDownwardAPI().addNewItem()
        .withPath("job.json").withNewFieldRef(null, "metadata.annotations['ci.circlet.dev/job']").endItem()
        .endDownwardAPI().endSource().addNewSource().withNewServiceAccountToken()
        .withAudience("circlet-test").withExpirationSeconds(600L).withPath("token").endServiceAccountToken()
        .endSource().endProjected().endVolume()
        .addNewContainer().withName("main").withImage("test/shell:1")
        .withCommand("/bin/sh", "-c", "echo \"$PW $POD $MODE $GREETING\" > /out/env.txt;"
            + " cat /etc/creds/password > /out/secret.txt; cat /etc/info/labels > /out/labels.txt;"
            + " cat /var/run/tok/token > /out/token; cat /var/run/tok/job.json > /out/job.json")
        .addNewEnv().withName("PW").withNewValueFrom().withNewSecretKeyRef("password", "creds", false).endValueFrom()
        .endEnv()
        .addNewEnv().withName("POD").withNewValueFrom().withNewFieldRef(null, "metadata.name").endValueFrom().endEnv()
        .addNewEnv().withName("MODE").withNewValueFrom().withNewConfigMapKeyRef("mode", "settings", false)
        .endValueFrom().endEnv()
        .addNewEnv().withName("GREETING").withValue("hello-$(POD)").endEnv()
        .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount()
        .addNewVolumeMount().withName("creds").withMountPath("/etc/creds").withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("info").withMountPath("/etc/info").endVolumeMount()
        .addNewVolumeMount().withName("tok").withMountPath("/var/run/tok").endVolumeMount()
        .endContainer().endSpec().build();
    client.resource(pod).create();

    Pod done = await("env", phase("Succeeded"));

    assertThat(Files.readString(out("env", "env.txt"))).isEqualTo("s3cret env fast hello-env\n");
    assertThat(Files.readString(out("env", "secret.txt"))).isEqualTo("s3cret");
    assertThat(Files.readString(out("env", "labels.txt"))).isEqualTo("app=\"env\"");
    assertThat(Files.readString(out("env", "job.json"))).isEqualTo("{\"build\":\"env\"}");
    TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec()
        .withToken(Files.readString(out("env", "token"))).withAudiences("circlet-test").endSpec().build()).create();
    assertThat(review.getStatus().getAuthenticated()).isTrue();
    assertThat(review.getStatus().getUser().getUsername()).isEqualTo("system:serviceaccount:" + NS + ":default");
    assertThat(review.getStatus().getUser().getExtra())
        .containsEntry("authentication.kubernetes.io/pod-name", List.of("env"))
        .containsEntry("authentication.kubernetes.io/pod-uid", List.of(done.getMetadata().getUid()));
  }

  @Test
  void activeDeadlineEndsThePod() throws InterruptedException {
    client.resource(pod("deadline").editSpec().withActiveDeadlineSeconds(3L)
        .addNewContainer().withName("main").withImage("test/shell:1").withCommand("/bin/sleep", "600").endContainer()
        .endSpec().build()).create();
    Pod running = await("deadline", p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null
        && !p.getStatus().getContainerStatuses().isEmpty()
        && p.getStatus().getContainerStatuses().get(0).getState().getRunning() != null);
    long pid = pid(running.getStatus().getContainerStatuses().get(0).getContainerID());

    Pod done = await("deadline", phase("Failed"));

    assertThat(done.getStatus().getReason()).isEqualTo("DeadlineExceeded");
    assertThat(done.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
        .isEqualTo(128 + 15);
    eventually("the sleep to end", () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void deletionKillsTheProcessTreeAndRemovesThePod() throws Exception {
    client.resource(pod("doomed").editSpec()
        .addNewContainer().withName("main").withImage("test/shell:1")
        .withCommand("/bin/sh", "-c", "setsid sleep 600 & echo $! > /out/child; wait")
        .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount().endContainer()
        .endSpec().build()).create();
    await("doomed", phase("Running"));
    Path child = out("doomed", "child");
    eventually("the child's pid file", () -> Files.exists(child) && readQuietly(child).endsWith("\n"));
    long pid = Long.parseLong(Files.readString(child).strip());
    assertThat(ProcessHandle.of(pid)).isPresent();

    client.pods().inNamespace(NS).withName("doomed").delete();

    eventually("the pod to be removed", () -> client.pods().inNamespace(NS).withName("doomed").get() == null);
    eventually("the sleep to end", () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    eventually("the pod's directory to go", () -> !Files.exists(node.podDir(NS, "doomed")));
  }

  @Test
  void anImageWithoutLocalCommandFailsThePodClearly() {
    client.resource(pod("unmapped").editSpec()
        .addNewContainer().withName("db").withImage("postgres:16").endContainer()
        .endSpec().build()).create();
    Pod done = await("unmapped", phase("Failed"));
    assertThat(done.getStatus().getReason()).isEqualTo("ErrImageNeverPull");
    var waiting = done.getStatus().getContainerStatuses().get(0).getState().getWaiting();
    assertThat(waiting.getReason()).isEqualTo("ErrImageNeverPull");
    assertThat(waiting.getMessage()).contains("postgres:16").contains("image map").contains("never pulls");
  }

  @Test
  void stoppingMarksTheNodeNotReadyAndUnschedulable(KubeControlPlane cp) throws IOException {
    Path dir = Files.createTempDirectory("process-node-2");
    try (KubernetesClient c = cp.newClient()) {
      ProcessNode second = ProcessNode.start(c, ProcessNodeConfig.of("process-2", "process-b", dir)
          .withTaints(List.of(TAINT)));
      assertThat(ready("process-2")).isEqualTo("True");
      second.close();
      assertThat(ready("process-2")).isEqualTo("False");
      assertThat(client.nodes().withName("process-2").get().getSpec().getUnschedulable()).isTrue();
      second.closeAndDeregister();
    } finally {
      Files.delete(dir);
    }
    assertThat(client.nodes().withName("process-2").get()).isNull();
  }

  @Test
  void projectedTokensAreRequestedAgainAndRewrittenWhileThePodRuns(KubeControlPlane cp) throws Exception {
    Path dir = Files.createTempDirectory("process-node-3");
    String pool = "process-refresh";
    // the API server's shortest token lifetime is 10 minutes; the node's setting moves the refresh
    // point from 8 minutes (80%) to 2 seconds
    try (KubernetesClient c = cp.newClient()) {
      ProcessNode refreshing = ProcessNode.start(c, ProcessNodeConfig.of("process-3", pool, dir)
          .withImages(ImageMap.parse("test/shell:* = @host", "test images").then(ProcessNodeConfig.defaultImages()))
          .withTaints(List.of(TAINT)).withTokenRefreshAfter(Duration.ofSeconds(2)));
      try {
        // the container keeps the first token it read and waits for the file to hold another one
        Pod pod = pod("refresh").editSpec().withNodeSelector(Map.of(ProcessNodeConfig.POOL_LABEL, pool))
            .addNewVolume().withName("tok").withNewProjected().addNewSource().withNewServiceAccountToken()
            .withAudience("circlet-test").withExpirationSeconds(600L).withPath("token").endServiceAccountToken()
            .endSource().endProjected().endVolume()
            .addNewContainer().withName("main").withImage("test/shell:1")
            .withCommand("/bin/sh", "-c", "cat /var/run/tok/token > /out/first; i=0;"
                + " while [ $i -lt 100 ]; do if ! cmp -s /var/run/tok/token /out/first; then"
                + " cat /var/run/tok/token > /out/second; exit 0; fi; sleep 1; i=$((i+1)); done; exit 1")
            .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount()
            .addNewVolumeMount().withName("tok").withMountPath("/var/run/tok").endVolumeMount()
            .endContainer().endSpec().build();
        client.resource(pod).create();

        Pod done = await("refresh", phase("Succeeded"));

        Path out = refreshing.podDir(NS, "refresh").resolve("volumes/out");
        String first = Files.readString(out.resolve("first"));
        String second = Files.readString(out.resolve("second"));
        assertThat(second).isNotEqualTo(first);
        for (String token : List.of(first, second)) {
          TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token)
              .withAudiences("circlet-test").endSpec().build()).create();
          assertThat(review.getStatus().getAuthenticated()).isTrue();
          assertThat(review.getStatus().getUser().getExtra())
              .containsEntry("authentication.kubernetes.io/pod-uid", List.of(done.getMetadata().getUid()));
          // issued with the lifetime the projection asked for and the API server accepted
          Map<?, ?> claims = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
              java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), Map.class);
          assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue())
              .isEqualTo(600);
        }
      } finally {
        client.pods().inNamespace(NS).withName("refresh").delete();
        refreshing.closeAndDeregister();
      }
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static String ready(String nodeName) {
    return client.nodes().withName(nodeName).get().getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow().getStatus();
  }

  private static long pid(String containerId) {
    assertThat(containerId).startsWith("process://");
    return Long.parseLong(containerId.substring("process://".length()));
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }
}
