package dev.circlet.operator.runtime;

import dev.circlet.config.orbs.OrbRegistrySettings;
import dev.circlet.operator.admission.AdmissionQueue;
import dev.circlet.operator.machine.KubeVirtBackend;
import dev.circlet.operator.machine.MachineBootData;
import dev.circlet.operator.machine.MachineIdentity;
import dev.circlet.operator.machine.MachinePoolReconciler;
import dev.circlet.operator.metrics.CircletMetrics;
import dev.circlet.operator.pod.BuildPodFactory;
import dev.circlet.operator.pod.BuildPodFactory.PodSettings;
import dev.circlet.operator.reconciler.BuildAdmission;
import dev.circlet.operator.reconciler.BuildReconciler;
import dev.circlet.operator.reconciler.OrganizationReconciler;
import dev.circlet.operator.reconciler.PipelineReconciler;
import dev.circlet.operator.reconciler.WorkflowReconciler;
import dev.circlet.operator.status.EventRecorder;
import dev.circlet.operator.status.StatusWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The embedded JOSDK operator with Circlet's reconcilers, wired from a Kubernetes client and
 * {@link OperatorSettings}. Plain Java so Quarkus, the test harness and the benchmark build the
 * same thing.
 */
public final class CircletOperator implements AutoCloseable {
  private final Operator operator;
  private final BuildAdmission admission;
  private final EventRecorder events;
  private final CircletMetrics metrics;
  private volatile boolean started;
  private volatile boolean starting;

  /** The operator with the default build pod identity settings and no gateway (tests, benchmarks). */
  public CircletOperator(KubernetesClient client, OperatorSettings settings, MeterRegistry registry, Clock clock) {
    this(client, settings, OrbRegistrySettings.off(), registry, clock);
  }

  /** @param orbRegistry when and where Pipeline validation fetches orbs missing from the orb ConfigMaps */
  public CircletOperator(KubernetesClient client, OperatorSettings settings, OrbRegistrySettings orbRegistry,
      MeterRegistry registry, Clock clock) {
    this(client, settings, orbRegistry, StartupSettings.defaults(), registry, clock);
  }

  /** @param startup how the informers list at start (pages, request timeout, sync wait) */
  public CircletOperator(KubernetesClient client, OperatorSettings settings, OrbRegistrySettings orbRegistry,
      StartupSettings startup, MeterRegistry registry, Clock clock) {
    this(client, settings, new PodSettings(settings.runnerImage(), settings.runnerImagePullPolicy()), orbRegistry,
        startup, registry, clock);
  }

  public CircletOperator(KubernetesClient client, OperatorSettings settings, PodSettings podSettings,
      OrbRegistrySettings orbRegistry,
      MeterRegistry registry, Clock clock) {
    this(client, settings, podSettings, orbRegistry, StartupSettings.defaults(), registry, clock);
  }

  /** @param startup how the informers list at start (pages, request timeout, sync wait) */
  public CircletOperator(KubernetesClient client, OperatorSettings settings, PodSettings podSettings,
      OrbRegistrySettings orbRegistry, StartupSettings startup,
      MeterRegistry registry, Clock clock) {
    this.metrics = new CircletMetrics(registry);
    this.admission = new BuildAdmission(new AdmissionQueue(), settings.clusterMaxBuilds());
    this.events = new EventRecorder(client,
        Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().name("circlet-events-", 0).factory()), clock);
    StatusWriter statusWriter = new StatusWriter(client.getKubernetesSerialization());
    BuildPodFactory pods = new BuildPodFactory(podSettings);
    // Machine pools' VMs live in the operator's namespace unless a pool names its own.
    // With a gateway, VMs stream to it: warm VMs learn its address at boot, and each Build's VM gets
    // a token of its own (docs/machine.md, "Build identity").
    KubeVirtBackend machineBackend = new KubeVirtBackend(client, orbNamespace(settings),
        p -> MachineBootData.warm(p, podSettings.gateway(), podSettings.gatewayPlaintext()), clock);
    if (podSettings.gateway() != null) {
      machineBackend.withIdentity(new MachineIdentity(client, MachineIdentity.DEFAULT_SERVICE_ACCOUNT,
          podSettings.tokenAudience(), podSettings.gateway(), podSettings.gatewayPlaintext()));
    }
    KubernetesClient informerClient = informerClient(client, startup);
    this.operator = new Operator(o -> {
      // Informers list and watch through a client whose requests may take longer than Fabric8's
      // default 10 s: a page of a list on a starved API server must not time out where a retry
      // would meet the same wait. Writes through the reconcile context use it too.
      o.withKubernetesClient(informerClient)
          .withConcurrentReconciliationThreads(settings.reconcileThreads())
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(false)
          // No reconciler changes the resource it is given (each computes its status on a copy),
          // so JOSDK's deep copy of the primary before every reconcile, a JSON round trip that
          // cost 5 % of the operator's CPU under load, is skipped.
          .withResourceCloner(CircletOperator::sameResource)
          // A list that fails at start (a timeout on a starved API server) is retried by the
          // informer with back-off instead of stopping the operator, which would only start the
          // same long list again. Start-up waits this long for each first sync and then carries on;
          // readiness stays false and the reconcilers wait (CacheSync) until every cache synced.
          .withStopOnInformerErrorDuringStartup(false)
          .withCacheSyncTimeout(startup.cacheSyncTimeout())
          .checkingCRDAndValidateLocalModel(false);
      if (settings.leaderElection()) {
        var leader = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(settings.leaseName())
            .withLeaseNamespace(settings.leaseNamespace() != null ? settings.leaseNamespace() : client.getNamespace())
            .withIdentity(settings.identity() != null ? settings.identity() : identity());
        // JOSDK exits the JVM on lost leadership unless built "for test" (several operators, one JVM).
        o.withLeaderElectionConfiguration(settings.exitOnLostLeadership() ? leader.build() : leader.buildForTest(false));
      }
    });
    operator.register(new OrganizationReconciler(admission, statusWriter, metrics, clock,
        settings.organizationStatusInterval()), controller("organization", settings, true));
    operator.register(new BuildReconciler(client, admission, pods, statusWriter, events, metrics, clock,
        settings.stuckGrace(), settings.finishedTtl(), settings.nodeLostGrace(), machineBackend,
        MachineBootData.ASSIGN_PORT), paged(controller("build", settings, false, CacheTrimming::build), startup));
    operator.register(new WorkflowReconciler(client, statusWriter, events, clock, settings.finishedTtl()),
        paged(controller("workflow", settings, false, CacheTrimming::withoutManagedFields), startup));
    operator.register(new PipelineReconciler(client, orbNamespace(settings), orbRegistry, statusWriter, clock),
        paged(controller("pipeline", settings, false, CacheTrimming::withoutManagedFields), startup));
    operator.register(new MachinePoolReconciler(client, machineBackend, statusWriter, clock),
        controller("machinepool", settings, true));
  }

  /**
   * The client the informers use: the given one with {@link StartupSettings#listRequestTimeout()}
   * as its request timeout, sharing its HTTP client and connections.
   */
  static KubernetesClient informerClient(KubernetesClient client, StartupSettings startup) {
    io.fabric8.kubernetes.client.Config config = client.getConfiguration();
    int wanted = (int) Math.min(Integer.MAX_VALUE, startup.listRequestTimeout().toMillis());
    if (Integer.valueOf(wanted).equals(config.getRequestTimeout())) {
      return client;
    }
    io.fabric8.kubernetes.client.RequestConfig lists = new io.fabric8.kubernetes.client.RequestConfigBuilder(
        config.getRequestConfig()).withRequestTimeout(wanted).build();
    return client.newClient(lists).adapt(KubernetesClient.class);
  }

  /**
   * Pages the controller's list of its primaries (and, through {@code getInformerListLimit}, the
   * lists of the large secondary informers its reconciler creates): 10,000 Builds in one response
   * is one request that a busy API server may not answer within any timeout.
   */
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> Consumer<ControllerConfigurationOverrider<R>>
      paged(Consumer<ControllerConfigurationOverrider<R>> base, StartupSettings startup) {
    return o -> {
      base.accept(o);
      o.withInformerListLimit(startup.listLimit());
    };
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> R sameResource(R resource) {
    return resource;
  }

  /**
   * Where orb ConfigMaps are read: the configured namespace, else the fixed operator namespace —
   * never the client's namespace, which out of a cluster is whatever the kubeconfig context says
   * and may be a tenant's, who could then plant orb sources every Pipeline compiles against.
   */
  public static String orbNamespace(OperatorSettings settings) {
    String configured = settings.orbNamespace();
    return configured != null && !configured.isBlank() ? configured : OperatorSettings.DEFAULT_OPERATOR_NAMESPACE;
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> Consumer<ControllerConfigurationOverrider<R>>
      controller(String name, OperatorSettings settings, boolean clusterScoped) {
    return controller(name, settings, clusterScoped, null);
  }

  /** @param trim what the controller's cache keeps of each primary (see {@link CacheTrimming}); null keeps it whole */
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> Consumer<ControllerConfigurationOverrider<R>>
      controller(String name, OperatorSettings settings, boolean clusterScoped, java.util.function.UnaryOperator<R> trim) {
    return o -> {
      o.withName(name).withTriggerReconcilerOnAllEvents(true);
      if (trim != null && (clusterScoped || CacheTrimming.ownStore(settings.namespaces()))) {
        o.withItemStore(CacheTrimming.store(trim));
      }
      if (!clusterScoped && !settings.namespaces().isEmpty()) {
        o.settingNamespaces(settings.namespaces());
      } else {
        o.watchingAllNamespaces();
      }
    };
  }

  private static String identity() {
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    } catch (UnknownHostException e) {
      return "circlet-operator-" + UUID.randomUUID();
    }
  }

  /** Starts the controllers (or, with leader election, the candidacy). */
  public void start() {
    starting = true;
    operator.start();
    started = true;
  }

  /** Whether start() was called: the process works on it (listing, waiting for the Lease) or is done. */
  public boolean live() {
    return starting;
  }

  /** Whether start() returned and every informer of every controller is healthy and synced. */
  public boolean ready() {
    return started && operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean started() {
    return started;
  }

  public BuildAdmission admission() {
    return admission;
  }

  public CircletMetrics metrics() {
    return metrics;
  }

  public Operator operator() {
    return operator;
  }

  public void stop() {
    if (!starting) {
      return;
    }
    starting = false;
    started = false;
    operator.stop();
    admission.close();
    events.close();
  }

  @Override
  public void close() {
    stop();
  }
}
