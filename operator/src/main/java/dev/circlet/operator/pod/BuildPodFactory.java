package dev.circlet.operator.pod;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.ContainerImage;
import dev.circlet.api.v1alpha1.Executor;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.ResourceClassSpec;
import dev.circlet.api.naming.Names;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the Pod of a Build, following docs/build-pod.md. Pure: the same
 * Build and ResourceClass always give the same objects.
 */
public final class BuildPodFactory {

  /**
   * The operator's {@code circlet.runner.*} settings: runner image and pull policy, the
   * ServiceAccount whose projected token proves a build pod's identity, that token's audience,
   * and the gateway the agent streams to ({@code host:port}; null when there is none).
   */
  public record PodSettings(String runnerImage, String runnerImagePullPolicy, String serviceAccount,
      String tokenAudience, String gateway, boolean gatewayPlaintext) {
    public PodSettings {
      Objects.requireNonNull(runnerImage, "runnerImage");
      serviceAccount = serviceAccount == null || serviceAccount.isBlank() ? DEFAULT_SERVICE_ACCOUNT : serviceAccount;
      tokenAudience = tokenAudience == null || tokenAudience.isBlank() ? DEFAULT_TOKEN_AUDIENCE : tokenAudience;
      gateway = gateway == null || gateway.isBlank() ? null : gateway;
    }

    /** The default identity settings and no gateway. */
    public PodSettings(String runnerImage, String runnerImagePullPolicy) {
      this(runnerImage, runnerImagePullPolicy, null, null, null, false);
    }
  }

  /** The namespace's own ServiceAccount: it always exists, and the token's audience makes its RBAC irrelevant. */
  public static final String DEFAULT_SERVICE_ACCOUNT = "default";
  /** Audience of the projected build identity token; the API server accepts no token with it. */
  public static final String DEFAULT_TOKEN_AUDIENCE = "circlet.dev/runner";
  /** Lifetime the kubelet requests for the identity token; it rotates it at 80 % of that. */
  public static final long TOKEN_EXPIRATION_SECONDS = 600L;
  public static final String INIT = "circlet-init";
  public static final String AGENT = "circlet-agent";
  public static final String PRIMARY = "primary";

  public static final String VOLUME_SHARED = "circlet";
  public static final String VOLUME_PROJECT = "project";
  public static final String VOLUME_BUILD_IDENTITY = "build-identity";
  public static final String VOLUME_CLONE = "clone-credentials";

  public static final String SHARED_PATH = "/circlet";
  public static final String HOME = "/home/circleci";
  /** The agent's job.json and identity token, from the pod's projected {@code build-identity} volume. */
  public static final String BUILD_PATH = "/etc/circlet/build";
  public static final String CLONE_PATH = "/etc/circlet/clone";
  /** Context Secrets, one directory per context in the job's order: {@code /etc/circlet/contexts/0}, … */
  public static final String CONTEXTS_PATH = "/etc/circlet/contexts";
  public static final String VOLUME_CONTEXT_PREFIX = "context-";

  public static final String KEY_JOB = "job.json";
  public static final String KEY_TOKEN = "token";

  /** uid of the primary (and of the agent, so checkout files belong to the job's user). */
  public static final long DEFAULT_UID = 1000L;

  /** Default Build timeout (BuildSpec.timeoutSeconds). */
  public static final long DEFAULT_TIMEOUT_SECONDS = 3600L;

  /**
   * The agent enforces the Build timeout itself (exit 124); the pod's activeDeadlineSeconds is a
   * backstop this much later, for an agent that hangs.
   */
  public static final long DEADLINE_GRACE_SECONDS = 300L;

  // Fixed sizes of the containers that are not the primary. The resource class buys the
  // primary's CPU and memory; the agent mostly waits on the network and services are usually
  // small databases, so they get modest requests and a memory ceiling without a CPU limit.
  static final ResourceRequirements INIT_RESOURCES = resources("50m", "64Mi", "128Mi");
  static final ResourceRequirements AGENT_RESOURCES = resources("100m", "128Mi", "512Mi");
  static final ResourceRequirements SERVICE_RESOURCES = resources("250m", "256Mi", "1Gi");

  private final PodSettings settings;

  public BuildPodFactory(PodSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * The build pod.
   *
   * @param cloneSecretName Secret with clone credentials mounted into the agent only; null when
   *     the repository needs none
   * @throws IllegalArgumentException when the job cannot run as a pod (machine or macOS executor,
   *     no image, a root user under the restricted profile)
   */
  public Pod pod(Build build, ResourceClass resourceClass, String cloneSecretName) {
    return pod(build, resourceClass, cloneSecretName, List.of());
  }

  /**
   * The build pod, with the Secrets of the job's contexts mounted into the agent only.
   *
   * @param contextSecrets the Secret of each of the job's contexts, in the job's order
   */
  public Pod pod(Build build, ResourceClass resourceClass, String cloneSecretName, List<String> contextSecrets) {
    BuildSpec spec = requireSpec(build);
    JobSpec job = spec.job;
    Executor executor = job.executor;
    if (resourceClass == null || resourceClass.getSpec() == null) {
      throw new IllegalArgumentException("job \"" + job.name + "\" has no resource class to run on");
    }
    ResourceClassSpec rc = resourceClass.getSpec();
    String rcName = resourceClass.getMetadata() == null ? null : resourceClass.getMetadata().getName();
    if (executor == null) {
      throw new IllegalArgumentException("job \"" + job.name + "\" has no executor");
    }
    if (executor.kind != ExecutorKind.DOCKER || rc.executor != ExecutorKind.DOCKER) {
      ExecutorKind kind = executor.kind != ExecutorKind.DOCKER ? executor.kind : rc.executor;
      throw new IllegalArgumentException(
          "job \"" + job.name + "\" uses the " + kind.name().toLowerCase(Locale.ROOT)
              + " executor (resource class \"" + rcName + "\"): only the docker executor runs as"
              + " a pod; VM executors are not supported yet");
    }
    if (executor.images.isEmpty() || executor.images.get(0).image == null) {
      throw new IllegalArgumentException("job \"" + job.name + "\" has a docker executor without an image");
    }
    boolean restricted = !"baseline".equals(rc.podSecurity);
    String buildName = build.getMetadata().getName();
    String jobJson = AgentJobFile.fitting(build);
    ContainerImage primaryImage = executor.images.get(0);
    Long primaryUid = uid(primaryImage, restricted, job.name, PRIMARY);
    long agentUid = primaryUid != null && primaryUid > 0 ? primaryUid : DEFAULT_UID;
    String home = projectMountPath(job.workingDirectory);
    String taken = reservedOverlap(home);
    if (taken != null) {
      throw new IllegalArgumentException("job \"" + job.name + "\" has working_directory \"" + job.workingDirectory
          + "\", whose volume at " + home + " would collide with Circlet's own mount at " + taken
          + "; choose a directory outside " + SHARED_PATH + " and " + RESERVED_ETC);
    }

    List<Container> inits = new ArrayList<>();
    inits.add(
        new ContainerBuilder()
            .withName(INIT)
            .withImage(settings.runnerImage())
            .withImagePullPolicy(settings.runnerImagePullPolicy())
            .withCommand("circlet-agent", "install", SHARED_PATH)
            .withResources(INIT_RESOURCES)
            .withSecurityContext(containerSecurity(true, agentUid))
            .withVolumeMounts(mount(VOLUME_SHARED, SHARED_PATH, false))
            .build());
    List<VolumeMount> agentMounts = new ArrayList<>();
    agentMounts.add(mount(VOLUME_SHARED, SHARED_PATH, false));
    agentMounts.add(mount(VOLUME_PROJECT, home, false));
    agentMounts.add(mount(VOLUME_BUILD_IDENTITY, BUILD_PATH, true));
    if (cloneSecretName != null) {
      agentMounts.add(mount(VOLUME_CLONE, CLONE_PATH, true));
    }
    for (int i = 0; i < contextSecrets.size(); i++) {
      agentMounts.add(mount(VOLUME_CONTEXT_PREFIX + i, CONTEXTS_PATH + "/" + i, true));
    }
    inits.add(
        new ContainerBuilder()
            .withName(AGENT)
            .withImage(settings.runnerImage())
            .withImagePullPolicy(settings.runnerImagePullPolicy())
            // A native sidecar: started before the primary, stopped by the kubelet after it.
            .withRestartPolicy("Always")
            .withCommand(
                "circlet-agent", "pod", "--shared", SHARED_PATH, "--job", BUILD_PATH + "/" + KEY_JOB)
            .withEnv(agentEnv(home))
            .withResources(AGENT_RESOURCES)
            .withSecurityContext(containerSecurity(true, agentUid))
            .withVolumeMounts(agentMounts)
            .build());

    List<Container> containers = new ArrayList<>();
    containers.add(
        new ContainerBuilder()
            .withName(PRIMARY)
            .withImage(primaryImage.image)
            .withCommand("/bin/sh", SHARED_PATH + "/bin/circlet-shim", SHARED_PATH)
            .withEnv(primaryEnv(build, primaryImage, home))
            .withResources(resources(rc.cpu, rc.memory))
            .withSecurityContext(containerSecurity(restricted, primaryUid))
            // File, not FallbackToLogsOnError: the log tail of a job may hold secrets.
            .withTerminationMessagePath("/dev/termination-log")
            .withTerminationMessagePolicy("File")
            .withVolumeMounts(mount(VOLUME_SHARED, SHARED_PATH, false), mount(VOLUME_PROJECT, home, false))
            .build());
    List<String> serviceHosts = new ArrayList<>();
    Set<String> containerNames = new LinkedHashSet<>(List.of(INIT, AGENT, PRIMARY));
    for (int i = 1; i < executor.images.size(); i++) {
      ContainerImage image = executor.images.get(i);
      String name = serviceName(image, i, containerNames);
      containerNames.add(name);
      if (image.name != null && !image.name.isBlank()) {
        serviceHosts.add(image.name);
      }
      containers.add(
          new ContainerBuilder()
              .withName(name)
              .withImage(image.image)
              .withCommand(image.entrypoint)
              .withArgs(image.command)
              .withEnv(envList(image.environment))
              .withResources(SERVICE_RESOURCES)
              .withSecurityContext(containerSecurity(restricted, uid(image, restricted, job.name, name)))
              .build());
    }

    PodBuilder pod =
        new PodBuilder()
            .withMetadata(childMeta(build, Names.pod(buildName), rcName))
            .editMetadata().withAnnotations(Map.of(CircletApi.ANNOTATION_JOB, jobJson)).endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            // Only the projected Circlet-audience token, mounted in the agent alone; no API token.
            .withServiceAccountName(settings.serviceAccount())
            .withAutomountServiceAccountToken(false)
            .withEnableServiceLinks(false)
            .withActiveDeadlineSeconds(timeout(spec) + DEADLINE_GRACE_SECONDS)
            .withSecurityContext(podSecurity(restricted))
            .withImagePullSecrets(pullSecrets(executor))
            .withInitContainers(inits)
            .withContainers(containers)
            .withVolumes(volumes(cloneSecretName, contextSecrets))
            .withNodeSelector(emptyToNull(rc.nodeSelector))
            .withTolerations(rc.tolerations == null || rc.tolerations.isEmpty() ? null : List.copyOf(rc.tolerations))
            .withRuntimeClassName(rc.runtimeClassName)
            .withSchedulerName(rc.schedulerName)
            .endSpec();
    if (!serviceHosts.isEmpty()) {
      // Services share the pod's network; their names resolve to localhost as on CircleCI.
      pod.editSpec().withHostAliases(new HostAlias(serviceHosts, "127.0.0.1")).endSpec();
    }
    return pod.build();
  }

  /**
   * Whether an existing pod (met on {@code AlreadyExists}, or found by label) belongs to this
   * Build: only its controller owner reference with the Build's uid says so. Labels prove nothing:
   * anyone who may create pods in the namespace can set them.
   */
  public static boolean isOurs(Pod pod, Build build) {
    if (pod == null || build == null || pod.getMetadata() == null || build.getMetadata() == null) {
      return false;
    }
    String uid = build.getMetadata().getUid();
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    if (uid == null || uid.isEmpty() || owners == null
        || !Objects.equals(pod.getMetadata().getNamespace(), build.getMetadata().getNamespace())) {
      return false;
    }
    return owners.stream().anyMatch(o -> Boolean.TRUE.equals(o.getController())
        && "Build".equals(o.getKind()) && uid.equals(o.getUid()));
  }

  /** Labels of every child of a Build: they link it to its Build, Workflow, Pipeline and Organization. */
  public static Map<String, String> labels(Build build, String resourceClass) {
    BuildSpec spec = build.getSpec();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(CircletApi.LABEL_MANAGED_BY, CircletApi.MANAGER);
    labels.put(CircletApi.LABEL_BUILD, Names.labelValue(build.getMetadata().getName()));
    putLabel(labels, CircletApi.LABEL_WORKFLOW, spec.workflow);
    putLabel(labels, CircletApi.LABEL_PIPELINE, spec.pipeline);
    putLabel(labels, CircletApi.LABEL_ORGANIZATION, spec.organization);
    putLabel(labels, CircletApi.LABEL_JOB, spec.job == null ? null : spec.job.name);
    putLabel(labels, CircletApi.LABEL_RESOURCE_CLASS, resourceClass);
    return labels;
  }

  private static void putLabel(Map<String, String> labels, String key, String value) {
    if (value != null && !value.isEmpty()) {
      labels.put(key, Names.labelValue(value));
    }
  }

  private static ObjectMeta childMeta(Build build, String name, String resourceClass) {
    ObjectMeta meta = build.getMetadata();
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(meta.getNamespace())
        .withLabels(labels(build, resourceClass))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(CircletApi.API_VERSION)
                .withKind("Build")
                .withName(meta.getName())
                .withUid(meta.getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .build();
  }

  /**
   * The primary's environment. Built-ins first; the image's and then the job's environment
   * override them (CircleCI's precedence). Names are unique so the API server keeps every value.
   */
  static List<EnvVar> primaryEnv(Build build, ContainerImage primary, String home) {
    BuildSpec spec = build.getSpec();
    JobSpec job = spec.job;
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CI", "true");
    env.put("CIRCLECI", "true");
    env.put("HOME", home);
    env.put("CIRCLE_JOB", job.name);
    env.put("CIRCLE_NODE_INDEX", String.valueOf(spec.parallelIndex == null ? 0 : spec.parallelIndex));
    env.put("CIRCLE_NODE_TOTAL", String.valueOf(spec.parallelTotal == null ? 1 : spec.parallelTotal));
    env.put("CIRCLE_WORKING_DIRECTORY", job.workingDirectory == null ? "~/project" : job.workingDirectory);
    String uid = build.getMetadata().getUid();
    if (uid != null && !uid.isEmpty()) {
      env.put("CIRCLE_WORKFLOW_JOB_ID", uid);
    }
    if (spec.trigger != null) {
      env.putAll(spec.trigger);
    }
    if (primary.environment != null) {
      env.putAll(primary.environment);
    }
    if (job.environment != null) {
      env.putAll(job.environment);
    }
    return envList(env);
  }

  private static List<EnvVar> envList(Map<String, String> env) {
    if (env == null || env.isEmpty()) {
      return null;
    }
    List<EnvVar> out = new ArrayList<>();
    env.forEach((k, v) -> out.add(new EnvVar(k, v == null ? "" : v, null)));
    return out;
  }

  /** The agent's environment: its home and, when there is a gateway, where to stream to. */
  private List<EnvVar> agentEnv(String home) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar("HOME", home, null));
    if (settings.gateway() != null) {
      env.add(new EnvVar("CIRCLET_GATEWAY", settings.gateway(), null));
      if (settings.gatewayPlaintext()) {
        env.add(new EnvVar("CIRCLET_GATEWAY_PLAINTEXT", "true", null));
      }
    }
    return env;
  }

  /**
   * Where the {@code project} volume is mounted: the parent of the working directory, so {@code
   * ~/project} (the default) lives in it; {@code /home/circleci} for {@code ~}-relative and
   * relative paths; the directory itself when its parent would be {@code /}.
   */
  static String projectMountPath(String workingDirectory) {
    if (workingDirectory == null || workingDirectory.isBlank()
        || workingDirectory.startsWith("~") || !workingDirectory.startsWith("/")) {
      return HOME;
    }
    String dir = workingDirectory.replaceAll("/+$", "");
    int slash = dir.lastIndexOf('/');
    return slash <= 0 ? (dir.isEmpty() ? HOME : dir) : dir.substring(0, slash);
  }

  /** Circlet's own mount points, which the project volume must neither equal, contain nor sit in. */
  static final String RESERVED_ETC = "/etc/circlet";

  /** The reserved mount the project volume at {@code mountPath} would collide with, or null. */
  static String reservedOverlap(String mountPath) {
    for (String reserved : List.of(SHARED_PATH, RESERVED_ETC)) {
      if (mountPath.equals(reserved) || mountPath.startsWith(reserved + "/") || reserved.startsWith(mountPath + "/")
          || "/".equals(mountPath)) {
        return reserved;
      }
    }
    return null;
  }

  /**
   * The uid a user container runs as. A numeric {@code user} is used as is; otherwise the
   * restricted profile needs a known non-root uid, so the default uid is used for the primary
   * and for services (the kubelet cannot verify a named user is not root). Under baseline the
   * image's own user applies.
   */
  private static Long uid(ContainerImage image, boolean restricted, String job, String container) {
    String user = image.user == null ? "" : image.user.strip();
    int colon = user.indexOf(':');
    if (colon >= 0) {
      user = user.substring(0, colon);
    }
    if (!user.isEmpty() && user.chars().allMatch(Character::isDigit)) {
      long uid = Long.parseLong(user);
      if (uid == 0 && restricted) {
        throw new IllegalArgumentException(
            "job \"" + job + "\" runs container " + container + " as root (user 0), which the"
                + " restricted pod security profile forbids; use a resource class with podSecurity"
                + " baseline or a non-root user");
      }
      return uid;
    }
    if (!user.isEmpty() && !restricted) {
      return null;
    }
    if ("root".equals(user)) {
      throw new IllegalArgumentException(
          "job \"" + job + "\" runs container " + container + " as root, which the restricted pod"
              + " security profile forbids; use a resource class with podSecurity baseline");
    }
    return restricted ? DEFAULT_UID : null;
  }

  private static String serviceName(ContainerImage image, int index, Set<String> taken) {
    String name = image.name == null ? null : Names.containerName(image.name);
    if (name == null || name.isEmpty() || taken.contains(name)) {
      name = "svc-" + index;
    }
    return name;
  }

  private static SecurityContext containerSecurity(boolean restricted, Long uid) {
    if (!restricted) {
      return uid == null ? null : new SecurityContextBuilder().withRunAsUser(uid).build();
    }
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(uid)
        .withAllowPrivilegeEscalation(false)
        .withCapabilities(new Capabilities(null, List.of("ALL")))
        .withSeccompProfile(new SeccompProfile(null, "RuntimeDefault"))
        .build();
  }

  private static PodSecurityContext podSecurity(boolean restricted) {
    var sc = new PodSecurityContextBuilder()
        .withSeccompProfile(new SeccompProfile(null, "RuntimeDefault"));
    if (restricted) {
      sc.withRunAsNonRoot(true);
    }
    return sc.build();
  }

  private static List<LocalObjectReference> pullSecrets(Executor executor) {
    Set<String> names = new LinkedHashSet<>();
    for (ContainerImage image : executor.images) {
      if (image.pullSecret != null && !image.pullSecret.isBlank()) {
        names.add(image.pullSecret);
      }
    }
    return names.isEmpty() ? null : names.stream().map(LocalObjectReference::new).toList();
  }

  private List<Volume> volumes(String cloneSecretName, List<String> contextSecrets) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName(VOLUME_SHARED).withNewEmptyDir().endEmptyDir().build());
    volumes.add(new VolumeBuilder().withName(VOLUME_PROJECT).withNewEmptyDir().endEmptyDir().build());
    // job.json from the pod's own annotation and a short-lived token bound to this pod, with an
    // audience only Circlet's gateway accepts; the kubelet rotates the token before it expires.
    volumes.add(
        new VolumeBuilder()
            .withName(VOLUME_BUILD_IDENTITY)
            .withNewProjected()
            .addNewSource()
            .withNewDownwardAPI()
            .addNewItem()
            .withPath(KEY_JOB)
            .withNewFieldRef(null, "metadata.annotations['" + CircletApi.ANNOTATION_JOB + "']")
            .endItem()
            .endDownwardAPI()
            .endSource()
            .addNewSource()
            .withNewServiceAccountToken()
            .withAudience(settings.tokenAudience())
            .withExpirationSeconds(TOKEN_EXPIRATION_SECONDS)
            .withPath(KEY_TOKEN)
            .endServiceAccountToken()
            .endSource()
            .endProjected()
            .build());
    if (cloneSecretName != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(VOLUME_CLONE)
              .withNewSecret()
              .withSecretName(cloneSecretName)
              .endSecret()
              .build());
    }
    for (int i = 0; i < contextSecrets.size(); i++) {
      volumes.add(
          new VolumeBuilder()
              .withName(VOLUME_CONTEXT_PREFIX + i)
              .withNewSecret()
              .withSecretName(contextSecrets.get(i))
              .endSecret()
              .build());
    }
    return volumes;
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    VolumeMount m = new VolumeMount();
    m.setName(volume);
    m.setMountPath(path);
    if (readOnly) {
      m.setReadOnly(true);
    }
    return m;
  }

  private static long timeout(BuildSpec spec) {
    return spec.timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : spec.timeoutSeconds;
  }

  /** The class's CPU and memory as both request and limit: a build gets what its class buys. */
  private static ResourceRequirements resources(String cpu, String memory) {
    Map<String, Quantity> both = new LinkedHashMap<>();
    both.put("cpu", new Quantity(cpu));
    both.put("memory", new Quantity(memory));
    return new ResourceRequirementsBuilder()
        .withRequests(new LinkedHashMap<>(both))
        .withLimits(new LinkedHashMap<>(both))
        .build();
  }

  private static ResourceRequirements resources(String cpu, String memoryRequest, String memoryLimit) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("cpu", new Quantity(cpu));
    requests.put("memory", new Quantity(memoryRequest));
    return new ResourceRequirementsBuilder()
        .withRequests(requests)
        .withLimits(Map.of("memory", new Quantity(memoryLimit)))
        .build();
  }

  private static Map<String, String> emptyToNull(Map<String, String> map) {
    return map == null || map.isEmpty() ? null : new LinkedHashMap<>(map);
  }

  private static BuildSpec requireSpec(Build build) {
    if (build == null || build.getMetadata() == null || build.getSpec() == null || build.getSpec().job == null) {
      throw new IllegalArgumentException("a build pod needs a Build with metadata and spec.job");
    }
    return build.getSpec();
  }

}
