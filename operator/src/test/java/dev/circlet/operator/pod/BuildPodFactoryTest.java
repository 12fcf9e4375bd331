package dev.circlet.operator.pod;

import dev.circlet.api.naming.StorageScope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.ContainerImage;
import dev.circlet.api.v1alpha1.Executor;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.ResourceClassSpec;
import dev.circlet.api.v1alpha1.Step;
import dev.circlet.operator.pod.BuildPodFactory.PodSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class BuildPodFactoryTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/pod");
  private static final boolean UPDATE = Boolean.getBoolean("circlet.updateGolden");
  private static final BuildPodFactory FACTORY =
      new BuildPodFactory(new PodSettings("ghcr.io/circlet/runner:0.1.0", "IfNotPresent"));

  static Build build(String name, Consumer<BuildSpec> customise) {
    JobSpec job = new JobSpec();
    job.name = "test";
    job.executor = Executor.docker("cimg/node:20.11");
    job.resourceClass = "medium";
    job.environment.put("NODE_ENV", "test");
    job.steps.add(Step.run("test", "npm test"));
    BuildSpec spec = new BuildSpec();
    spec.organization = "acme";
    spec.workflow = "web-12-build";
    spec.pipeline = "web";
    spec.job = job;
    spec.trigger.put("CIRCLE_SHA1", "0123456789abcdef0123456789abcdef01234567");
    spec.trigger.put("CIRCLE_BRANCH", "main");
    spec.trigger.put("CIRCLE_REPOSITORY_URL", "https://github.com/acme/web.git");
    customise.accept(spec);
    Build b = new Build();
    b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ci-acme")
        .withUid("6c1e1f6a-0000-4000-8000-00000000b001").build());
    b.setSpec(spec);
    return b;
  }

  static ResourceClass resourceClass(String name, String cpu, String memory, Consumer<ResourceClassSpec> customise) {
    ResourceClass rc = new ResourceClass();
    rc.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ResourceClassSpec spec = new ResourceClassSpec();
    spec.cpu = cpu;
    spec.memory = memory;
    spec.nodePool = "general";
    spec.nodeSelector.put("circlet.dev/pool", "general");
    customise.accept(spec);
    rc.setSpec(spec);
    return rc;
  }

  private static void assertGolden(String file, Pod pod) throws IOException {
    String actual = Serialization.asYaml(pod);
    Path path = GOLDEN.resolve(file);
    if (UPDATE || !Files.exists(path)) {
      Files.createDirectories(path.getParent());
      Files.writeString(path, actual);
      assertThat(UPDATE).as("golden file " + path + " was missing and has been written; re-run").isTrue();
    }
    assertThat(actual).as("golden " + file + " (re-run with -Dcirclet.updateGolden=true to accept)")
        .isEqualTo(Files.readString(path));
  }

  @Test
  void singleImageMedium() throws IOException {
    Pod pod = FACTORY.pod(build("web-12-build-test", s -> {}),
        resourceClass("medium", "2", "4Gi", rc -> {}), "web-clone");
    assertGolden("single-image-medium.yaml", pod);
  }

  @Test
  void dockerWithTwoServicesLarge() throws IOException {
    Build b = build("web-12-build-integration", s -> {
      s.job.name = "integration";
      s.job.resourceClass = "large";
      ContainerImage pg = new ContainerImage("postgres:16");
      pg.name = "postgres";
      pg.user = "999";
      pg.environment = new LinkedHashMap<>(Map.of("POSTGRES_PASSWORD", "test-only"));
      ContainerImage redis = new ContainerImage("redis:7");
      redis.command = List.of("redis-server", "--save", "");
      redis.pullSecret = "dockerhub";
      s.job.executor.images.add(pg);
      s.job.executor.images.add(redis);
      s.priority = 5;
      s.timeoutSeconds = 1800L;
      s.job.contexts = List.of("org-global", "aws-prod");
    });
    Pod pod = FACTORY.pod(b, resourceClass("large", "4", "8Gi", rc -> {}), null,
        List.of("ctx-org-global", "ctx-aws-prod"));
    assertGolden("docker-services-large.yaml", pod);
    Container agent = pod.getSpec().getInitContainers().get(1);
    assertThat(agent.getVolumeMounts()).extracting(m -> m.getMountPath())
        .contains("/etc/circlet/contexts/0", "/etc/circlet/contexts/1");
    assertThat(pod.getSpec().getContainers()).as("contexts reach the agent only")
        .allSatisfy(c -> assertThat(c.getVolumeMounts() == null ? List.of() : c.getVolumeMounts())
            .noneMatch(m -> m.getName().startsWith("context-")));
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName)
        .containsExactly("primary", "postgres", "svc-2");
    assertThat(pod.getSpec().getHostAliases().get(0).getHostnames()).containsExactly("postgres");
  }

  @Test
  void armWithTaintTolerationAndRuntimeClass() throws IOException {
    Build b = build("web-12-build-test-arm", s -> s.job.resourceClass = "arm.medium");
    ResourceClass rc = resourceClass("arm.medium", "2", "8Gi", spec -> {
      spec.nodePool = "arm";
      spec.nodeSelector.clear();
      spec.nodeSelector.put("kubernetes.io/arch", "arm64");
      Toleration t = new Toleration("NoSchedule", "circlet.dev/arm", "Equal", null, "true");
      spec.tolerations.add(t);
      spec.runtimeClassName = "gvisor";
      spec.schedulerName = "volcano";
    });
    Pod pod = FACTORY.pod(b, rc, "web-clone");
    assertGolden("arm-medium-gvisor.yaml", pod);
  }

  @Test
  void baselinePodSecurity() throws IOException {
    Build b = build("web-12-build-package", s -> {
      s.job.name = "package";
      s.job.executor = Executor.docker("ubuntu:24.04");
      s.job.executor.images.get(0).user = "root";
    });
    Pod pod = FACTORY.pod(b, resourceClass("medium.baseline", "2", "4Gi", rc -> rc.podSecurity = "baseline"), null);
    assertGolden("baseline-medium.yaml", pod);
    Container primary = pod.getSpec().getContainers().get(0);
    assertThat(primary.getSecurityContext()).as("the image's own user applies").isNull();
    assertThat(pod.getSpec().getInitContainers()).allSatisfy(c ->
        assertThat(c.getSecurityContext().getRunAsNonRoot()).as("our containers stay restricted").isTrue());
  }

  @Test
  void parallelNodeTwoOfFour() throws IOException {
    Build b = build("web-12-build-test-2", s -> {
      s.parallelIndex = 2;
      s.parallelTotal = 4;
    });
    Pod pod = FACTORY.pod(b, resourceClass("medium", "2", "4Gi", rc -> {}), "web-clone");
    assertGolden("parallel-2-of-4.yaml", pod);
    assertThat(env(pod.getSpec().getContainers().get(0)))
        .containsEntry("CIRCLE_NODE_INDEX", "2").containsEntry("CIRCLE_NODE_TOTAL", "4");
  }

  @Test
  void contractInvariantsHoldForEveryShape() {
    Pod pod = FACTORY.pod(build("b1", s -> {}), resourceClass("medium", "2", "4Gi", rc -> {}), "clone");
    var spec = pod.getSpec();
    assertThat(spec.getRestartPolicy()).isEqualTo("Never");
    assertThat(spec.getAutomountServiceAccountToken()).isFalse();
    assertThat(spec.getEnableServiceLinks()).isFalse();
    assertThat(spec.getInitContainers()).extracting(Container::getName).containsExactly("circlet-init", "circlet-agent");
    assertThat(spec.getInitContainers().get(1).getRestartPolicy()).isEqualTo("Always");
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("Build");
      assertThat(o.getUid()).isEqualTo("6c1e1f6a-0000-4000-8000-00000000b001");
      assertThat(o.getController()).isTrue();
      assertThat(o.getBlockOwnerDeletion()).isTrue();
    });
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(CircletApi.LABEL_BUILD, "b1")
        .containsEntry(CircletApi.LABEL_WORKFLOW, "web-12-build")
        .containsEntry(CircletApi.LABEL_PIPELINE, "web")
        .containsEntry(CircletApi.LABEL_ORGANIZATION, "acme")
        .containsEntry(CircletApi.LABEL_JOB, "test")
        .containsEntry(CircletApi.LABEL_RESOURCE_CLASS, "medium");
    Container primary = spec.getContainers().get(0);
    assertThat(primary.getVolumeMounts()).extracting(m -> m.getName())
        .as("the primary never sees the token or clone credentials").containsExactly("circlet", "project");
    assertThat(primary.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(env(primary)).containsEntry("CIRCLE_JOB", "test").containsEntry("CIRCLE_BRANCH", "main")
        .containsEntry("NODE_ENV", "test").doesNotContainKey("token");
    assertThat(Serialization.asYaml(pod)).doesNotContain("secret-token");
  }

  @Test
  void jobEnvironmentOverridesBuiltIns() {
    Pod pod = FACTORY.pod(build("b1", s -> s.job.environment.put("CIRCLE_BRANCH", "override")),
        resourceClass("medium", "2", "4Gi", rc -> {}), null);
    List<EnvVar> env = pod.getSpec().getContainers().get(0).getEnv();
    assertThat(env.stream().filter(e -> e.getName().equals("CIRCLE_BRANCH"))).singleElement()
        .extracting(EnvVar::getValue).isEqualTo("override");
  }

  @Test
  void machineExecutorIsRejectedWithAClearMessage() {
    Build machine = build("b1", s -> {
      s.job.executor = new Executor();
      s.job.executor.kind = ExecutorKind.MACHINE;
      s.job.executor.machineImage = "ubuntu-2204:current";
    });
    assertThatThrownBy(() -> FACTORY.pod(machine, resourceClass("medium", "2", "4Gi", rc -> {}), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("machine executor")
        .hasMessageContaining("not supported");
    ResourceClass vm = resourceClass("machine.medium", "2", "8Gi", rc -> rc.executor = ExecutorKind.MACHINE);
    assertThatThrownBy(() -> FACTORY.pod(build("b1", s -> {}), vm, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("machine.medium");
  }

  @Test
  void rootUnderRestrictedIsRejected() {
    Build root = build("b1", s -> s.job.executor.images.get(0).user = "0");
    assertThatThrownBy(() -> FACTORY.pod(root, resourceClass("medium", "2", "4Gi", rc -> {}), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("baseline");
  }

  @Test
  void jobJsonTravelsInThePodsAnnotation() throws IOException {
    Build b = build("web-12-build-test-2", s -> {
      s.parallelIndex = 2;
      s.parallelTotal = 4;
      s.upstreamJobs = List.of("checkout", "build");
    });
    Pod pod = FACTORY.pod(b, resourceClass("medium", "2", "4Gi", rc -> {}), null);
    String annotation = pod.getMetadata().getAnnotations().get(CircletApi.ANNOTATION_JOB);
    assertThat(annotation).isEqualTo(AgentJobFile.of(b));
    JsonNode job = new ObjectMapper().readTree(annotation);
    assertThat(job.path("build").asText()).isEqualTo("web-12-build-test-2");
    assertThat(job.path("job").path("name").asText()).isEqualTo("test");
    assertThat(job.path("job").path("executor").path("kind").asText()).isEqualTo("docker");
    assertThat(job.path("trigger").path("branch").asText()).isEqualTo("main");
    assertThat(job.path("trigger").has("CIRCLE_BRANCH")).as("the agent reads revision, branch, ..., not CIRCLE_* keys").isFalse();
    assertThat(job.path("storageScope").asText()).isEqualTo("orgs/acme/projects/ci-acme/web");
    assertThat(job.path("parallelIndex").asInt()).isEqualTo(2);
    assertThat(job.path("parallelTotal").asInt()).isEqualTo(4);
    assertThat(job.path("upstreamJobs")).extracting(JsonNode::asText).containsExactly("checkout", "build");
    assertThat(job.has("token")).as("job.json holds no secret").isFalse();
    assertThat(new ObjectMapper().readTree(AgentJobFile.of(build("b1", s -> {}))).has("upstreamJobs"))
        .as("a Build outside a Workflow attaches every layer").isFalse();
  }

  @Test
  void theIdentityVolumeIsTheAgentsAloneAndHoldsAShortLivedCircletToken() {
    Pod pod = FACTORY.pod(build("b1", s -> s.job.executor.images.add(new ContainerImage("postgres:16"))),
        resourceClass("medium", "2", "4Gi", rc -> {}), null);
    var spec = pod.getSpec();
    assertThat(spec.getServiceAccountName()).isEqualTo(BuildPodFactory.DEFAULT_SERVICE_ACCOUNT);
    assertThat(spec.getAutomountServiceAccountToken()).as("no API token is mounted anywhere").isFalse();
    var volume = spec.getVolumes().stream().filter(v -> v.getName().equals(BuildPodFactory.VOLUME_BUILD_IDENTITY))
        .findFirst().orElseThrow().getProjected();
    assertThat(volume.getSources()).hasSize(2);
    var downward = volume.getSources().get(0).getDownwardAPI().getItems();
    assertThat(downward).singleElement().satisfies(item -> {
      assertThat(item.getPath()).isEqualTo("job.json");
      assertThat(item.getFieldRef().getFieldPath()).isEqualTo("metadata.annotations['ci.circlet.dev/job']");
    });
    var token = volume.getSources().get(1).getServiceAccountToken();
    assertThat(token.getAudience()).isEqualTo("circlet.dev/runner");
    assertThat(token.getExpirationSeconds()).isEqualTo(600L);
    assertThat(token.getPath()).isEqualTo("token");
    assertThat(spec.getVolumes()).noneMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().endsWith("-agent"));
    List<Container> all = new java.util.ArrayList<>(spec.getInitContainers());
    all.addAll(spec.getContainers());
    assertThat(all).filteredOn(c -> c.getVolumeMounts() != null && c.getVolumeMounts().stream()
            .anyMatch(m -> m.getName().equals(BuildPodFactory.VOLUME_BUILD_IDENTITY)))
        .as("only the agent mounts the identity token").extracting(Container::getName).containsExactly("circlet-agent");
    Container agent = spec.getInitContainers().get(1);
    assertThat(agent.getCommand()).containsSubsequence("--job", "/etc/circlet/build/job.json");
    assertThat(env(agent)).as("no gateway configured: the agent keeps its output local").doesNotContainKey("CIRCLET_GATEWAY");
  }

  @Test
  void theSettingsNameTheServiceAccountAudienceAndGateway() {
    BuildPodFactory factory = new BuildPodFactory(new PodSettings("ghcr.io/circlet/runner:0.1.0", "IfNotPresent",
        "circlet-runner", "ci.example.com/runner", "circlet-gateway.circlet-system.svc:9000", true));
    Pod pod = factory.pod(build("b1", s -> {}), resourceClass("medium", "2", "4Gi", rc -> {}), null);
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("circlet-runner");
    assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getProjected() != null)
        .flatExtracting(v -> v.getProjected().getSources()).filteredOn(src -> src.getServiceAccountToken() != null)
        .singleElement().satisfies(src -> assertThat(src.getServiceAccountToken().getAudience())
            .isEqualTo("ci.example.com/runner"));
    assertThat(env(pod.getSpec().getInitContainers().get(1)))
        .containsEntry("CIRCLET_GATEWAY", "circlet-gateway.circlet-system.svc:9000")
        .containsEntry("CIRCLET_GATEWAY_PLAINTEXT", "true");
  }

  @Test
  void aJobTooLargeForTheAnnotationIsRefusedWithItsSize() {
    Build huge = build("b1", s -> s.job.environment.put("BLOB", "x".repeat(AgentJobFile.MAX_BYTES)));
    assertThatThrownBy(() -> FACTORY.pod(huge, resourceClass("medium", "2", "4Gi", rc -> {}), null))
        .isInstanceOf(AgentJobFile.TooLargeException.class)
        .hasMessageContaining("job \"test\"").hasMessageContaining("bytes of job.json")
        .hasMessageContaining(String.valueOf(AgentJobFile.MAX_BYTES));
    Build fits = build("b1", s -> s.job.environment.put("BLOB", "x".repeat(AgentJobFile.MAX_BYTES - 4096)));
    assertThat(FACTORY.pod(fits, resourceClass("medium", "2", "4Gi", rc -> {}), null).getMetadata().getAnnotations())
        .containsKey(CircletApi.ANNOTATION_JOB);
  }

  @Test
  void isOursOnlyByTheControllerReferenceWithTheBuildsUid() {
    Build b = build("b1", s -> {});
    Pod ours = FACTORY.pod(b, resourceClass("medium", "2", "4Gi", rc -> {}), null);
    assertThat(BuildPodFactory.isOurs(ours, b)).isTrue();

    Pod stale = new PodBuilder(ours).editMetadata().withOwnerReferences(new OwnerReferenceBuilder(
        ours.getMetadata().getOwnerReferences().get(0)).withUid("an-older-build-with-the-same-name").build())
        .endMetadata().build();
    assertThat(BuildPodFactory.isOurs(stale, b)).as("same name, other Build uid").isFalse();

    // A tenant plants a pod with the Build's name and labels but no owner: it must not be adopted.
    Pod planted = new PodBuilder(ours).editMetadata().withOwnerReferences().endMetadata().build();
    assertThat(planted.getMetadata().getLabels()).containsEntry(CircletApi.LABEL_BUILD, "b1");
    assertThat(BuildPodFactory.isOurs(planted, b)).as("labelled, no controller reference").isFalse();
    Pod notController = new PodBuilder(ours).editMetadata().withOwnerReferences(new OwnerReferenceBuilder(
        ours.getMetadata().getOwnerReferences().get(0)).withController(false).build()).endMetadata().build();
    assertThat(BuildPodFactory.isOurs(notController, b)).as("owner reference that is not the controller").isFalse();

    Build noUid = build("b1", s -> {});
    noUid.getMetadata().setUid(null);
    assertThat(BuildPodFactory.isOurs(ours, noUid)).as("no uid to compare: never ours").isFalse();
    Pod foreign = new PodBuilder().withNewMetadata().withName("b1").withNamespace("ci-acme").endMetadata().build();
    assertThat(BuildPodFactory.isOurs(foreign, b)).isFalse();
    assertThat(BuildPodFactory.isOurs(null, b)).isFalse();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"/circlet/project", "/circlet", "/etc/circlet/work", "/etc/x"})
  void aWorkingDirectoryCollidingWithCircletsMountsIsRefused(String dir) {
    Build b = build("wd", s -> s.job.workingDirectory = dir);
    assertThatThrownBy(() -> FACTORY.pod(b, resourceClass("medium", "2", "4Gi", rc -> {}), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would collide with Circlet's own mount");
  }

  @Test
  void storageScopeSegmentsCannotClimbOrAddLevels() {
    assertThat(StorageScope.segment("web")).isEqualTo("web");
    assertThat(StorageScope.segment("web.v2")).isEqualTo("web.v2");
    assertThat(StorageScope.segment("..")).doesNotContain("..").doesNotContain("/");
    assertThat(StorageScope.segment("a/../b")).doesNotContain("/").doesNotContain("..");
    assertThat(StorageScope.segment("a..b")).doesNotContain("..");
    assertThat(StorageScope.segment("Acme")).isNotEqualTo(StorageScope.segment("acme"));
  }

  @Test
  void projectVolumeFollowsTheWorkingDirectory() {
    assertThat(BuildPodFactory.projectMountPath(null)).isEqualTo("/home/circleci");
    assertThat(BuildPodFactory.projectMountPath("~/project")).isEqualTo("/home/circleci");
    assertThat(BuildPodFactory.projectMountPath("/src/app/")).isEqualTo("/src");
    assertThat(BuildPodFactory.projectMountPath("/app")).isEqualTo("/app");
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

}
