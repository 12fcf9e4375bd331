package dev.circlet.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.kubetest.FakeKubelet;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator killed with SIGKILL (faults 4 and 5): once in the middle of admitting 200
 * Builds into an Organization of capacity 10, and once as the leader of two replicas (the standby
 * takes the Lease after the kill; which replica leads is read from the Lease). The test
 * plays the kubelet (kwok runs the pods; the test ends each running pod with exit 0) and watches
 * throughout that no more than 10 build pods live at once and no Build ever gets a second pod.
 */
@KubeCluster
class OperatorSigkillIT {
  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");
  private static final Duration DEADLINE = Duration.ofMinutes(8);
  private static final String LEASE = "circlet-operator-leader";
  private static KubernetesClient client;
  private static KubeControlPlane cluster;
  private final List<Operator> operators = new ArrayList<>();

  /** One operator process, its log and its HTTP port. */
  private record Operator(String identity, Process process, Path log) {
    int port() throws IOException {
      Matcher m = LISTENING.matcher(Files.readString(log));
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    boolean ready() {
      try {
        int port = port();
        return port > 0 && HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    void sigkill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  @BeforeAll
  static void install(KubeControlPlane cp) {
    assertThat(JAR).as("the packaged operator (mvn package)").exists();
    cluster = cp;
    ClusterFixture.install(cp);
    client = cp.newClient();
  }

  @AfterEach
  void stopOperators() throws InterruptedException {
    for (Operator o : operators) {
      o.process().destroy();
      if (!o.process().waitFor(30, TimeUnit.SECONDS)) {
        o.sigkill();
      }
    }
  }

  private Operator operator(String identity) throws IOException {
    Path log = Files.createTempFile("circlet-operator-" + identity, ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Dquarkus.http.port=0", "-Dquarkus.http.host=127.0.0.1",
        "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("KUBECONFIG", cluster.kubeconfigPath().toString());
    pb.environment().put("HOSTNAME", identity);
    Operator o = new Operator(identity, pb.start(), log);
    operators.add(o);
    return o;
  }

  private static String holder() {
    var lease = client.leases().inNamespace(client.getNamespace()).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** Plays the kubelet and the watcher until every Build of the namespace ended or the deadline passed. */
  private static final class Watch {
    final String ns;
    final Map<String, Set<String>> pods = new ConcurrentHashMap<>();
    final Set<String> ended = ConcurrentHashMap.newKeySet();
    final AtomicLong maxLive = new AtomicLong();
    final FakeKubelet kubelet = cluster.fakeKubelet();

    Watch(String ns) {
      this.ns = ns;
    }

    /** One round: record pods and the live count, end the running ones. */
    void round() {
      ClusterFixture.podsByBuild(client, ns, pods);
      maxLive.accumulateAndGet(ClusterFixture.livePods(client, ns), Math::max);
      ClusterFixture.completeRunningPods(client, kubelet, ns, Map.of(), ended);
    }

    long succeeded() {
      return client.resources(Build.class).inNamespace(ns).list().getItems().stream()
          .filter(b -> b.getStatus() != null && b.getStatus().phase == BuildPhase.Succeeded).count();
    }

    long duplicates() {
      return pods.values().stream().filter(s -> s.size() > 1).count();
    }
  }

  private static void create(String ns, String org, int n) {
    for (int i = 0; i < n; i++) {
      client.resource(OperatorHarness.build(ns, "b" + i, org, "medium")).create();
    }
  }

  @Test
  void killedDuringAdmissionItNeverExceedsCapacityAndEveryBuildCompletesOnce() throws Exception {
    String ns = "sigkill-admission";
    ClusterFixture.organization(client, "sigkill-org", 10);
    OperatorHarness.bind(client, ns, "sigkill-org");
    Operator first = operator("sigkill-first");
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).alias("first operator ready")
        .until(first::ready);
    create(ns, "sigkill-org", 200);
    Watch watch = new Watch(ns);
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).alias("admission under way")
        .until(() -> {
          watch.round();
          return watch.succeeded() >= 15;
        });

    first.sigkill();
    long killedAt = System.nanoTime();
    Operator second = operator("sigkill-second");
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).alias("all 200 Builds succeed")
        .until(() -> {
          watch.round();
          return watch.succeeded() == 200;
        });
    long seconds = Duration.ofNanos(System.nanoTime() - killedAt).toSeconds();

    assertThat(second.process().isAlive()).isTrue();
    assertThat(watch.maxLive.get()).isLessThanOrEqualTo(10);
    assertThat(watch.duplicates()).isZero();
    assertThat(watch.pods).hasSize(200);
    System.out.printf("FAULT | 4 | the packaged operator killed with SIGKILL while admitting 200 Builds into an"
        + " Organization of capacity 10 (after 15 had run), a new operator process started | at most %d build pods"
        + " alive at once; no Build got a second pod; all 200 Succeeded %d s after the kill | nothing%n",
        watch.maxLive.get(), seconds);
  }

  /**
   * The replicas of fault 5 that are alive, restarting (under a fresh identity) any that exited on
   * its own: an operator exits when it loses the Lease, which a loaded machine can cause by delaying
   * a renewal, and the fault needs a live standby when the leader is killed.
   */
  private List<Operator> replicas(List<Operator> replicas, int[] started) throws IOException {
    for (int i = 0; i < replicas.size(); i++) {
      if (!replicas.get(i).process().isAlive()) {
        replicas.set(i, operator("replica-" + (++started[0])));
      }
    }
    return replicas;
  }

  /** The live replica whose identity holds the Lease now, or null while no live replica does. */
  private static Operator leaderAmong(List<Operator> replicas) {
    String holder = holder();
    return replicas.stream().filter(o -> o.identity().equals(holder) && o.process().isAlive()).findFirst()
        .orElse(null);
  }

  @Test
  void theStandbyTakesTheLeaseAfterTheLeaderIsKilledAndNoBuildRunsTwice() throws Exception {
    String ns = "sigkill-leader";
    ClusterFixture.organization(client, "leader-org", 3);
    OperatorHarness.bind(client, ns, "leader-org");
    int[] started = {0};
    List<Operator> replicas = new ArrayList<>(List.of(operator("replica-" + (++started[0])),
        operator("replica-" + (++started[0]))));
    create(ns, "leader-org", 6);
    Watch watch = new Watch(ns);
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).alias("two Builds done")
        .until(() -> {
          watch.round();
          return watch.succeeded() >= 2;
        });
    // Which replica leads is the Lease's say, never the start order: read the holder, and kill that
    // process only while the other one is alive and listening (a standby is not ready until it leads).
    Operator[] pick = new Operator[2];
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).alias("a leader and a live standby")
        .until(() -> {
          watch.round();
          List<Operator> live = replicas(replicas, started);
          Operator leader = leaderAmong(live);
          if (leader == null) {
            return false;
          }
          Operator other = live.get(0) == leader ? live.get(1) : live.get(0);
          if (other.port() <= 0) {
            return false;
          }
          pick[0] = leader;
          pick[1] = other;
          return true;
        });
    Operator leader = pick[0];
    leader.sigkill();
    long killedAt = System.nanoTime();
    replicas.remove(leader);
    Operator[] successor = new Operator[1];
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).alias("a surviving replica leads")
        .until(() -> {
          watch.round();
          Operator now = leaderAmong(replicas(replicas, started));
          successor[0] = now;
          return now != null && now.ready();
        });
    long takeover = Duration.ofNanos(System.nanoTime() - killedAt).toSeconds();
    Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).alias("all 6 Builds succeed")
        .until(() -> {
          watch.round();
          replicas(replicas, started);
          return watch.succeeded() == 6;
        });
    assertThat(watch.maxLive.get()).isLessThanOrEqualTo(3);
    assertThat(watch.duplicates()).isZero();
    System.out.printf("FAULT | 5 | two packaged operator processes; the Lease holder (%s) killed with SIGKILL"
        + " | %s took the Lease and was ready %d s after the kill (lease 15 s); at most %d of 3 pods at once,"
        + " no second pod for any Build, all 6 Succeeded | nothing%n", leader.identity(), successor[0].identity(),
        takeover, watch.maxLive.get());
  }
}
