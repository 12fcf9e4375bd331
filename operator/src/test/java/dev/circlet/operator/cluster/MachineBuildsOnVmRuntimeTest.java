package dev.circlet.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.Executor;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.ResourceClassSpec;
import dev.circlet.api.v1alpha1.Step;
import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import dev.circlet.gateway.runner.KubernetesRunnerAuthenticator;
import dev.circlet.kubetest.vm.VmRuntime;
import dev.circlet.operator.machine.MachineIdentity;
import dev.circlet.operator.machine.MachineLabels;
import dev.circlet.operator.pod.BuildPodFactory;
import dev.circlet.operator.machine.VirtualMachineInstance;
import dev.circlet.operator.reconciler.OperatorHarness;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Machine Builds end to end on the real API server: the operator claims pool VMs, the test VM
 * runtime boots each VMI by starting the runner agent as a local process from its cloud-init
 * data, the agent runs the job's steps, and the VM's summary ends the Build.
 */
@KubeCluster
class MachineBuildsOnVmRuntimeTest {
  static final String VMS = "machine-vms";
  static final String TENANT = "machine-tenant";
  static final String ORG = "machine-org";

  private static KubernetesClient client;
  private static OperatorHarness harness;
  private static VmRuntime runtime;
  private static Path work;
  private static RunnerGateway gateway;

  @BeforeAll
  static void start(KubeControlPlane cp) throws IOException {
    ClusterFixture.install(cp);
    cp.applyCrds(ClusterFixture.REPO.resolve("kube-test/kubevirt"));
    client = cp.newClient();
    if (client.namespaces().withName(VMS).get() == null) {
      cp.createNamespace(VMS);
    }
    ClusterFixture.organization(client, ORG, 60);
    OperatorHarness.bind(client, TENANT, ORG);
    // The machine ServiceAccount of VMs' tokens, as the chart creates it: no RBAC.
    client.serviceAccounts().inNamespace(VMS).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
        .withNewMetadata().withName(MachineIdentity.DEFAULT_SERVICE_ACCOUNT).endMetadata().build()).serverSideApply();
    work = Files.createTempDirectory("vm-runtime");
    try {
      gateway = new RunnerGateway(cp.newClient(), BuildPodFactory.DEFAULT_TOKEN_AUDIENCE, work.resolve("gateway"));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    runtime = VmRuntime.start(cp.newClient(), VMS, "vm-node-1", work,
        vmi -> "broken".equals(vmi.getMetadata().getLabels().get(MachineLabels.POOL)));
    harness = new OperatorHarness(client, OperatorSettings.defaults())
        .withPodSettings(new BuildPodFactory.PodSettings(OperatorSettings.defaults().runnerImage(),
            OperatorSettings.defaults().runnerImagePullPolicy(), null, null, gateway.address(), true))
        .start();
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
    if (runtime != null) {
      runtime.close();
    }
    if (gateway != null) {
      try {
        gateway.close();
      } catch (Exception e) {
        System.err.println("gateway: " + e);
      }
    }
  }

  static MachinePool pool(String name, int minWarm, int max, long bootTimeout, int retries) {
    MachinePool p = MachinePoolOnApiServerTest.pool(client, name, minWarm, max);
    p.getSpec().namespace = VMS;
    p.getSpec().bootTimeoutSeconds = bootTimeout;
    p.getSpec().bootRetries = retries;
    return client.resource(p).update();
  }

  static void machineClass(String name, String pool) {
    ResourceClass rc = new ResourceClass();
    rc.getMetadata().setName(name);
    rc.setSpec(new ResourceClassSpec());
    rc.getSpec().executor = ExecutorKind.MACHINE;
    rc.getSpec().machinePool = pool;
    rc.getSpec().cpu = "2";
    rc.getSpec().memory = "4Gi";
    client.resource(rc).createOr(r -> r.update());
  }

  static Build machineBuild(String name, String rc, String... commands) {
    Build b = OperatorHarness.build(TENANT, name, ORG, rc);
    Executor machine = new Executor();
    machine.kind = ExecutorKind.MACHINE;
    b.getSpec().job.executor = machine;
    b.getSpec().job.steps.clear();
    for (int i = 0; i < commands.length; i++) {
      b.getSpec().job.steps.add(Step.run("step " + (i + 1), commands[i]));
    }
    return client.resource(b).create();
  }

  static Build get(String name) {
    return client.resources(Build.class).inNamespace(TENANT).withName(name).get();
  }

  static BuildPhase phase(String name) {
    Build b = get(name);
    return b == null || b.getStatus() == null ? null : b.getStatus().phase;
  }

  static List<VirtualMachineInstance> vmis(String pool) {
    return client.resources(VirtualMachineInstance.class).inNamespace(VMS)
        .withLabel(MachineLabels.POOL, pool).list().getItems();
  }

  static void awaitPhase(String name, BuildPhase phase, Duration within) {
    Awaitility.await(name + " " + phase).atMost(within).pollInterval(Duration.ofMillis(200))
        .until(() -> phase(name) == phase || (phase(name) != null && phase(name).isTerminal()));
    assertThat(phase(name)).as(name + ": " + get(name).getStatus().reason + " " + get(name).getStatus().message)
        .isEqualTo(phase);
  }

  @Test
  void machineJobRunsItsStepsOnAPoolVmAndTheVmIsDestroyed() {
    pool("e2e", 1, 3, 120, 1);
    machineClass("machine.e2e", "e2e");
    Awaitility.await("a warm VM").atMost(Duration.ofMinutes(2))
        .until(() -> vmis("e2e").stream().anyMatch(v -> v.getStatus() != null && "Running".equals(v.getStatus().phase)));
    machineBuild("vm-ok", "machine.e2e", "echo hello from the VM > $HOME/greeting",
        "test \"$(cat $HOME/greeting)\" = 'hello from the VM'", "test -n \"$CIRCLE_JOB\"");
    awaitPhase("vm-ok", BuildPhase.Succeeded, Duration.ofMinutes(3));
    assertThat(get("vm-ok").getStatus().machineName).startsWith("e2e-");
    machineBuild("vm-fails", "machine.e2e", "true", "exit 3");
    awaitPhase("vm-fails", BuildPhase.Failed, Duration.ofMinutes(3));
    assertThat(get("vm-fails").getStatus().message).contains("step 2");
    String used = get("vm-ok").getStatus().machineName;
    Awaitility.await("the used VM is destroyed").atMost(Duration.ofMinutes(1))
        .until(() -> vmis("e2e").stream().noneMatch(v -> v.getMetadata().getName().equals(used)));
  }

  /**
   * The path pods take, from a VM: each step's output reaches the output processor under the
   * Build's own identity (a token bound to the VM's identity Secret), on a warm VM (token with the
   * assignment) and on a cold boot (token in the user data); once the VM is gone its token is refused.
   */
  @Test
  void machineStepOutputIsStoredByTheOutputProcessorUnderTheBuildsIdentity() throws Exception {
    pool("stream", 1, 3, 120, 1);
    machineClass("machine.stream", "stream");
    Awaitility.await("a warm VM").atMost(Duration.ofMinutes(2)).until(() -> vmis("stream").stream()
        .anyMatch(v -> v.getStatus() != null && "Running".equals(v.getStatus().phase)));
    machineBuild("vm-stream-warm", "machine.stream", "echo warm output from the VM; echo to stderr >&2");
    // A shape no warm VM has: a cold boot, whose token travels in the user data.
    ResourceClass small = new ResourceClass();
    small.getMetadata().setName("machine.stream-small");
    small.setSpec(new ResourceClassSpec());
    small.getSpec().executor = ExecutorKind.MACHINE;
    small.getSpec().machinePool = "stream";
    small.getSpec().cpu = "1";
    small.getSpec().memory = "2Gi";
    client.resource(small).createOr(r -> r.update());
    machineBuild("vm-stream-cold", "machine.stream-small", "echo cold output from the VM");
    awaitPhase("vm-stream-warm", BuildPhase.Succeeded, Duration.ofMinutes(3));
    awaitPhase("vm-stream-cold", BuildPhase.Succeeded, Duration.ofMinutes(3));
    for (String[] c : new String[][] {{"vm-stream-warm", "warm output from the VM"},
        {"vm-stream-cold", "cold output from the VM"}}) {
      Awaitility.await(c[0] + "'s step reaches the gateway").atMost(Duration.ofMinutes(1))
          .until(() -> gateway.step(TENANT, c[0], "step 1") >= 0);
      int step = gateway.step(TENANT, c[0], "step 1");
      Awaitility.await(c[0] + "'s output is stored").atMost(Duration.ofMinutes(1))
          .until(() -> gateway.log(TENANT, c[0], step).contains(c[1]));
      assertThat(gateway.steps.get(TENANT + "/" + c[0])).as("step events under the Build's own name")
          .anyMatch(e -> e.getName().equals("step 1") && e.getKind() == dev.circlet.proto.runner.v1.StepEvent.Kind.FINISHED
              && e.getExitCode() == 0);
    }
    assertThat(gateway.log(TENANT, "vm-stream-warm", gateway.step(TENANT, "vm-stream-warm", "step 1")))
        .contains("to stderr");

    // The warm VM's token, taken from the VM after its job: the VM is destroyed, and the token with it.
    String vm = get("vm-stream-warm").getStatus().machineName;
    Path tokenFile = work.resolve(vm).resolve("var/lib/circlet/build/token");
    assertThat(tokenFile).exists();
    String token = Files.readString(tokenFile).strip();
    Awaitility.await("the used VM is gone").atMost(Duration.ofMinutes(1))
        .until(() -> vmis("stream").stream().noneMatch(v -> v.getMetadata().getName().equals(vm)));
    KubernetesRunnerAuthenticator fresh = new KubernetesRunnerAuthenticator(client,
        BuildPodFactory.DEFAULT_TOKEN_AUDIENCE, MachineIdentity.DEFAULT_SERVICE_ACCOUNT, Duration.ZERO);
    io.grpc.Metadata h = new io.grpc.Metadata();
    h.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    assertThatThrownBy(() -> fresh.authenticate(h)).isInstanceOf(io.grpc.StatusException.class)
        .satisfies(e -> assertThat(((io.grpc.StatusException) e).getStatus().getCode())
            .isIn(io.grpc.Status.Code.UNAUTHENTICATED, io.grpc.Status.Code.PERMISSION_DENIED));
  }

  /**
   * A real {@code .circleci/config.yml} with a {@code machine:} job (a command with a parameter,
   * job environment, a multi-line step): compiled by the config module as the gateway compiles a
   * push, turned into a Workflow as the gateway does, and run by the operator on a pool VM; its
   * steps' output is stored by the output processor.
   */
  @Test
  void machineJobOfARealConfigRunsEndToEnd() throws Exception {
    MachinePool p = pool("config", 0, 2, 120, 1);
    p.getSpec().images = Map.of("default", "registry.example/circlet/ubuntu-2204:current",
        "ubuntu-2204:current", "registry.example/circlet/ubuntu-2204:current");
    client.resource(p).update();
    machineClass("machine.config", "config");
    String yaml;
    try (var in = MachineBuildsOnVmRuntimeTest.class.getResourceAsStream("/machine/config.yml")) {
      yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    dev.circlet.config.CompileResult compiled = new dev.circlet.config.ConfigCompiler((ns, orb, version) -> java.util.Optional.empty()).compile(
        dev.circlet.config.ConfigSource.of(".circleci/config.yml", yaml),
        dev.circlet.config.PipelineContext.builder().branch("main").build());
    assertThat(compiled.errors()).isEmpty();
    assertThat(compiled.workflows()).hasSize(1);
    List<dev.circlet.api.v1alpha1.JobSpec> jobs = new com.fasterxml.jackson.databind.ObjectMapper()
        .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .convertValue(compiled.workflows().get(0).jobs(), new com.fasterxml.jackson.core.type.TypeReference<>() {});
    assertThat(jobs).singleElement().satisfies(j -> {
      assertThat(j.executor.kind).isEqualTo(ExecutorKind.MACHINE);
      assertThat(j.resourceClass).isEqualTo("machine.config");
    });
    client.resource(ClusterFixture.workflow(TENANT, "vm-config", 1, ORG, jobs)).create();
    Awaitility.await("the Workflow's machine Build").atMost(Duration.ofMinutes(1)).until(() -> client
        .resources(Build.class).inNamespace(TENANT).list().getItems().stream()
        .anyMatch(b -> "on-a-vm".equals(b.getSpec().job.name)));
    String name = client.resources(Build.class).inNamespace(TENANT).list().getItems().stream()
        .filter(b -> "on-a-vm".equals(b.getSpec().job.name)).findFirst().orElseThrow().getMetadata().getName();
    awaitPhase(name, BuildPhase.Succeeded, Duration.ofMinutes(3));
    assertThat(get(name).getStatus().machineName).startsWith("config-");
    Awaitility.await("the check step reaches the gateway").atMost(Duration.ofMinutes(1))
        .until(() -> gateway.step(TENANT, name, "check") >= 0);
    int check = gateway.step(TENANT, name, "check");
    Awaitility.await("its output is stored").atMost(Duration.ofMinutes(1))
        .until(() -> gateway.log(TENANT, name, check).contains("the config's machine job ran on the VM"));
    assertThat(gateway.step(TENANT, name, "greet")).as("the command's step, under its own name").isNotNegative();
  }

  @Test
  void vmThatNeverBecomesReadyIsReplacedThenTheBuildFailsWithTheReason() {
    pool("broken", 0, 2, 10, 1);
    machineClass("machine.broken", "broken");
    machineBuild("vm-never-ready", "machine.broken", "true");
    awaitPhase("vm-never-ready", BuildPhase.Failed, Duration.ofMinutes(2));
    Build b = get("vm-never-ready");
    assertThat(b.getStatus().reason).isEqualTo("MachineBootFailed");
    assertThat(b.getStatus().message).contains("did not become ready within 10s").contains("2 VMs tried");
    Awaitility.await("no VM left").atMost(Duration.ofMinutes(1)).until(() -> vmis("broken").isEmpty());
  }

  @Test
  void poolScaledDownWhileBusyLetsTheBusyVmFinish() {
    pool("shrink", 2, 2, 120, 1);
    machineClass("machine.shrink", "shrink");
    Awaitility.await("two warm VMs").atMost(Duration.ofMinutes(2)).until(() -> vmis("shrink").stream()
        .filter(v -> v.getStatus() != null && "Running".equals(v.getStatus().phase)).count() == 2);
    machineBuild("vm-busy", "machine.shrink", "sleep 4");
    awaitPhase("vm-busy", BuildPhase.Running, Duration.ofMinutes(2));
    MachinePool p = client.resources(MachinePool.class).withName("shrink").get();
    p.getSpec().minWarm = 0;
    p.getSpec().max = 1;
    client.resource(p).update();
    awaitPhase("vm-busy", BuildPhase.Succeeded, Duration.ofMinutes(2));
    Awaitility.await("the pool empties").atMost(Duration.ofMinutes(1)).until(() -> vmis("shrink").isEmpty());
  }

  @Test
  void fiftyBuildsOnAPoolOfFiveWarmAndTenMaxNeverShareAVmNorExceedMax() {
    pool("busy", 5, 10, 120, 1);
    machineClass("machine.busy", "busy");
    Map<String, String> claimOf = new ConcurrentHashMap<>();
    List<String> violations = new ArrayList<>();
    Set<String> live = ConcurrentHashMap.newKeySet();
    AtomicInteger most = new AtomicInteger();
    Watch watch = client.resources(VirtualMachineInstance.class).inNamespace(VMS)
        .withLabel(MachineLabels.POOL, "busy").watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, VirtualMachineInstance v) {
            String name = v.getMetadata().getName();
            if (action == Action.DELETED) {
              live.remove(name);
              return;
            }
            live.add(name);
            most.accumulateAndGet(live.size(), Math::max);
            String by = v.getMetadata().getLabels().get(MachineLabels.CLAIMED_BY);
            if (by != null) {
              String before = claimOf.putIfAbsent(name, by);
              if (before != null && !before.equals(by)) {
                synchronized (violations) {
                  violations.add(name + " claimed by " + before + " and " + by);
                }
              }
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
    try {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        names.add("vm-many-" + i);
        machineBuild("vm-many-" + i, "machine.busy", "echo build " + i);
      }
      Awaitility.await("fifty machine Builds end").atMost(Duration.ofMinutes(12)).pollInterval(Duration.ofSeconds(1))
          .until(() -> names.stream().allMatch(n -> phase(n) != null && phase(n).isTerminal()));
      Set<String> machines = new HashSet<>();
      for (String n : names) {
        Build b = get(n);
        assertThat(b.getStatus().phase).as(n + ": " + b.getStatus().message).isEqualTo(BuildPhase.Succeeded);
        assertThat(machines.add(b.getStatus().machineName)).as("VM of " + n + " was another Build's").isTrue();
      }
      assertThat(violations).isEmpty();
      assertThat(most.get()).as("VMs of the pool at once").isLessThanOrEqualTo(10);
    } finally {
      watch.close();
    }
  }
}
