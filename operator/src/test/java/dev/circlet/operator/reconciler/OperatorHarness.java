package dev.circlet.operator.reconciler;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildSpec;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Executor;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.Organization;
import dev.circlet.api.v1alpha1.OrganizationSpec;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.ResourceClassSpec;
import dev.circlet.api.v1alpha1.Step;
import dev.circlet.config.orbs.OrbRegistrySettings;
import dev.circlet.operator.pod.BuildPodFactory;
import dev.circlet.operator.runtime.CircletOperator;
import dev.circlet.operator.runtime.KubernetesClientTuning;
import dev.circlet.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Runs the real Circlet operator against any Kubernetes API (the Fabric8 mock server in CRUD mode
 * here, a real kube-apiserver in the cluster tier) and plays the parts no API server has: a fake
 * kubelet that moves build pods through their lifecycle, plus fixtures and waits.
 */
public final class OperatorHarness implements AutoCloseable {
  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private CircletOperator operator;
  /** Set when this harness made its own mock server, which {@link #close()} then destroys. */
  private KubernetesMockServer ownedServer;

  /** Kept so the quieter level sticks: the mock server logs every request at INFO. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private OrbRegistrySettings orbRegistry = OrbRegistrySettings.off();
  private dev.circlet.operator.runtime.StartupSettings startup = dev.circlet.operator.runtime.StartupSettings.defaults();

  public OperatorHarness(KubernetesClient client, OperatorSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  private dev.circlet.operator.pod.BuildPodFactory.PodSettings podSettings;

  /** Runs the operator with these build pod (and machine) settings: a gateway, say. */
  public OperatorHarness withPodSettings(dev.circlet.operator.pod.BuildPodFactory.PodSettings pods) {
    this.podSettings = pods;
    return this;
  }

  /** How the operator's informers list at start (page size, list timeout, sync wait). */
  public OperatorHarness withStartup(dev.circlet.operator.runtime.StartupSettings startup) {
    this.startup = startup;
    return this;
  }

  /** Lets Pipeline validation fetch orbs from a registry under a policy. */
  public OperatorHarness withOrbRegistry(OrbRegistrySettings orbs) {
    this.orbRegistry = orbs;
    return this;
  }

  /** A mock API server in CRUD mode that serves Circlet's CRDs with their status subresource. */
  public static KubernetesMockServer mockServer() {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    List<CustomResourceDefinition> crds = crds();
    List<CustomResourceDefinitionContext> contexts = new ArrayList<>();
    for (CustomResourceDefinition crd : crds) {
      contexts.add(CustomResourceDefinitionContext.fromCrd(crd));
    }
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new AuthorizingCrudDispatcher(contexts), false);
    server.init();
    return server;
  }

  /**
   * The CRUD dispatcher plus the one non-CRUD call the operator makes: JOSDK's leader election
   * asks a SelfSubjectRulesReview whether it may use Leases; the mock server grants everything.
   */
  static final class AuthorizingCrudDispatcher extends KubernetesCrudDispatcher {
    private static final String ALLOW_ALL =
        "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\",\"metadata\":{},"
            + "\"spec\":{},\"status\":{\"incomplete\":false,\"nonResourceRules\":[],"
            + "\"resourceRules\":[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}]}}";

    AuthorizingCrudDispatcher(List<CustomResourceDefinitionContext> contexts) {
      super(contexts);
    }

    /** Requests served, by {@code METHOD resource[/subresource]}; watches count once. */
    static final Map<String, LongAdder> REQUESTS = new ConcurrentHashMap<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      REQUESTS.computeIfAbsent(request.getMethod() + " " + resourceOf(request.getPath()), k -> new LongAdder()).increment();
      if ("POST".equals(request.getMethod()) && request.getPath().contains("/selfsubjectrulesreviews")) {
        return new MockResponse().setResponseCode(201).setBody(ALLOW_ALL);
      }
      return super.dispatch(request);
    }
  }

  /** Requests the mock servers of this JVM served, by method and resource (and subresource). */
  public static Map<String, Long> mockRequests() {
    Map<String, Long> out = new TreeMap<>();
    AuthorizingCrudDispatcher.REQUESTS.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public static void resetMockRequests() {
    AuthorizingCrudDispatcher.REQUESTS.clear();
  }

  static String resourceOf(String path) {
    String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    String[] parts = p.split("/");
    int start = p.startsWith("/api/") ? 3 : 4;
    if (parts.length > start + 1 && "namespaces".equals(parts[start])) {
      start += 2;
    }
    if (parts.length <= start) {
      return p;
    }
    String resource = parts[start];
    String sub = parts.length > start + 2 ? "/" + parts[start + 2] : "";
    return resource + sub + (path.contains("watch=true") ? " (watch)" : "");
  }

  /**
   * A harness on a fresh mock server with Circlet's CRDs installed and default settings; the
   * operator is not started yet. {@link #close()} also closes the client and the server.
   */
  public static OperatorHarness onMockServer() {
    return onMockServer(OperatorSettings.defaults());
  }

  /** {@link #onMockServer()} with the given settings. */
  public static OperatorHarness onMockServer(OperatorSettings settings) {
    KubernetesMockServer server = mockServer();
    OperatorHarness harness = new OperatorHarness(client(server), settings);
    harness.ownedServer = server;
    harness.installCrds();
    return harness;
  }

  /** A client for the mock server with the operator's request-concurrency tuning. */
  public static KubernetesClient client(KubernetesMockServer server) {
    return server.createClient(b -> b.editOrNewConfig()
        .withMaxConcurrentRequests(KubernetesClientTuning.MAX_CONCURRENT_REQUESTS)
        .withMaxConcurrentRequestsPerHost(KubernetesClientTuning.MAX_CONCURRENT_REQUESTS)
        .withRequestTimeout(60_000)
        .endConfig()
        .withKubernetesSerialization(dev.circlet.operator.runtime.FastJson.serialization()));
  }

  /** The CRDs generated into {@code crds/generated} (or {@code -Dcirclet.crds.dir}). */
  public static List<CustomResourceDefinition> crds() {
    Path dir = crdDir();
    List<CustomResourceDefinition> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          out.add(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(in, CustomResourceDefinition.class));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read CRDs from " + dir, e);
    }
    return out;
  }

  private static Path crdDir() {
    String configured = System.getProperty("circlet.crds.dir");
    if (configured != null) {
      return Paths.get(configured);
    }
    Path here = Paths.get("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path candidate = p.resolve("crds").resolve("generated");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("crds/generated not found above " + here + "; set -Dcirclet.crds.dir");
  }

  /** Creates (or replaces) Circlet's CRDs. */
  public void installCrds() {
    for (CustomResourceDefinition crd : crds()) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(r -> r.update());
    }
  }

  public KubernetesClient client() {
    return client;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public CircletOperator operator() {
    return operator;
  }

  /** Starts a fresh operator (a new process, as far as the API server can tell). */
  public OperatorHarness start() {
    operator = podSettings == null
        ? new CircletOperator(client, settings, orbRegistry, startup, registry, Clock.systemUTC())
        : new CircletOperator(client, settings, podSettings, orbRegistry, startup, registry, Clock.systemUTC());
    operator.start();
    return this;
  }

  public void stop() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  /** Stops the operator and starts a new one against the same cluster state. */
  public void restart() {
    stop();
    start();
  }

  @Override
  public void close() {
    stop();
    if (ownedServer != null) {
      client.close();
      ownedServer.destroy();
    }
  }

  // ---- fixtures -------------------------------------------------------------------------

  public Organization organization(String name, int maxConcurrent, String... allowedResourceClasses) {
    Organization org = new Organization();
    org.getMetadata().setName(name);
    org.setSpec(new OrganizationSpec());
    org.getSpec().maxConcurrentBuilds = maxConcurrent;
    org.getSpec().allowedResourceClasses = new ArrayList<>(List.of(allowedResourceClasses));
    return client.resource(org).createOr(r -> r.update());
  }

  public ResourceClass resourceClass(String name, ExecutorKind executor) {
    ResourceClass rc = new ResourceClass();
    rc.getMetadata().setName(name);
    rc.setSpec(new ResourceClassSpec());
    rc.getSpec().executor = executor;
    rc.getSpec().cpu = "2";
    rc.getSpec().memory = "4Gi";
    rc.getSpec().nodePool = "pool-" + name;
    return client.resource(rc).createOr(r -> r.update());
  }

  /** A docker Build, not yet created. */
  public static Build build(String namespace, String name, String organization, String resourceClass) {
    Build b = new Build();
    b.getMetadata().setNamespace(namespace);
    b.getMetadata().setName(name);
    BuildSpec spec = new BuildSpec();
    spec.organization = organization;
    spec.job = job(name, resourceClass);
    b.setSpec(spec);
    return b;
  }

  public static JobSpec job(String name, String resourceClass) {
    JobSpec job = new JobSpec();
    job.name = name;
    job.resourceClass = resourceClass;
    job.executor = Executor.docker("cimg/base:2024.01");
    job.steps.add(Step.run("hello", "echo hello"));
    return job;
  }

  /**
   * Creates the Build; a namespace not yet bound to any organization is first bound to the
   * Build's, as a platform admin would when onboarding the tenant.
   */
  public Build create(Build build) {
    String ns = build.getMetadata().getNamespace();
    var existing = client.namespaces().withName(ns).get();
    if (existing == null || existing.getMetadata().getLabels() == null
        || !existing.getMetadata().getLabels().containsKey(CircletApi.LABEL_ORGANIZATION)) {
      bind(client, ns, build.getSpec().organization);
    }
    return client.resource(build).create();
  }

  /** Binds {@code namespace} to {@code organization} (label ci.circlet.dev/organization), creating it if needed. */
  public static void bind(KubernetesClient client, String namespace, String organization) {
    var existing = client.namespaces().withName(namespace).get();
    if (existing == null) {
      client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
          .withName(namespace).addToLabels(CircletApi.LABEL_ORGANIZATION, organization).endMetadata().build())
          .create();
      return;
    }
    Map<String, String> labels = new HashMap<>(existing.getMetadata().getLabels() == null
        ? Map.of() : existing.getMetadata().getLabels());
    labels.put(CircletApi.LABEL_ORGANIZATION, organization);
    existing.getMetadata().setLabels(labels);
    client.namespaces().resource(existing).update();
  }

  public void bind(String namespace, String organization) {
    bind(client, namespace, organization);
  }

  public Build get(String namespace, String name) {
    return client.resources(Build.class).inNamespace(namespace).withName(name).get();
  }

  public BuildPhase phase(String namespace, String name) {
    Build b = get(namespace, name);
    return b == null || b.getStatus() == null ? null : b.getStatus().phase;
  }

  public List<Pod> buildPods(String namespace) {
    return client.pods().inNamespace(namespace).withLabel(CircletApi.LABEL_BUILD).list().getItems();
  }

  public static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
  }

  public void awaitPhase(String namespace, String name, BuildPhase phase) {
    eventually().alias(namespace + "/" + name + " reaches " + phase)
        .until(() -> phase(namespace, name) == phase);
  }

  // ---- fake kubelet ---------------------------------------------------------------------

  /** The kubelet schedules the pod on {@code node} and starts its primary container. */
  public Pod runPod(String namespace, String podName, String node) {
    String now = Instant.now().toString();
    bind(namespace, podName, node);
    return client.pods().inNamespace(namespace).withName(podName).editStatus(p -> {
      p.setStatus(new PodStatusBuilder().withPhase("Running").withStartTime(now)
          .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
          .withContainerStatuses(primary(true, null)).build());
      return p;
    });
  }

  /** The scheduler's part: a Binding on a real API server, a spec edit on the mock server. */
  private void bind(String namespace, String podName, String node) {
    ensureNode(node);
    try {
      client.bindings().inNamespace(namespace).resource(new BindingBuilder().withNewMetadata().withName(podName)
          .endMetadata().withNewTarget().withKind("Node").withName(node).endTarget().build()).create();
    } catch (KubernetesClientException e) {
      // The API server refused the Binding; the spec edit below stands in for it.
    }
    Pod bound = client.pods().inNamespace(namespace).withName(podName).get();
    if (bound != null && bound.getSpec().getNodeName() == null) {
      client.pods().inNamespace(namespace).withName(podName).edit(p -> {
        p.getSpec().setNodeName(node);
        return p;
      });
    }
  }

  /**
   * A Ready Node of that name, so that the operator does not take pods bound to it for pods of a
   * lost node. Unschedulable: on a real API server the scheduler never places other pods there.
   */
  private void ensureNode(String name) {
    if (client.nodes().withName(name).get() != null) {
      return;
    }
    io.fabric8.kubernetes.api.model.NodeCondition ready = new io.fabric8.kubernetes.api.model.NodeConditionBuilder()
        .withType("Ready").withStatus("True").withReason("KubeletReady")
        .withLastTransitionTime(Instant.now().toString()).withLastHeartbeatTime(Instant.now().toString()).build();
    try {
      client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(name)
          .endMetadata().withNewSpec().withUnschedulable(true).endSpec()
          .withNewStatus().withConditions(ready).endStatus().build()).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return;
    }
    var created = client.nodes().withName(name).get();
    if (created.getStatus() == null || created.getStatus().getConditions() == null
        || created.getStatus().getConditions().isEmpty()) {
      // A real API server drops the status of a create.
      client.nodes().withName(name).editStatus(n -> {
        n.getStatus().setConditions(java.util.List.of(ready));
        return n;
      });
    }
  }

  /** The primary container exits with {@code exitCode}; the pod ends. */
  public Pod finishPod(String namespace, String podName, int exitCode) {
    String now = Instant.now().toString();
    return client.pods().inNamespace(namespace).withName(podName).editStatus(p -> {
      p.setStatus(new PodStatusBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed").withStartTime(now)
          .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
          .withContainerStatuses(primary(false, exitCode)).build());
      return p;
    });
  }

  private static ContainerStatus primary(boolean running, Integer exitCode) {
    String now = Instant.now().toString();
    ContainerStatusBuilder b = new ContainerStatusBuilder().withName(BuildPodFactory.PRIMARY)
        .withImage("cimg/base:2024.01").withReady(running).withRestartCount(0);
    if (running) {
      b.withNewState().withNewRunning().withStartedAt(now).endRunning().endState();
    } else {
      b.withNewState().withNewTerminated().withExitCode(exitCode).withStartedAt(now).withFinishedAt(now)
          .withReason(exitCode == 0 ? "Completed" : "Error").endTerminated().endState();
    }
    return b.build();
  }
}
