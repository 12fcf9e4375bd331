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

  /** The operator with the default build pod identity settings and no gateway (tests, benchmarks). */
  public CircletOperator(KubernetesClient client, OperatorSettings settings, MeterRegistry registry, Clock clock) {
    this(client, settings, OrbRegistrySettings.off(), registry, clock);
  }

  /** @param orbRegistry when and where Pipeline validation fetches orbs missing from the orb ConfigMaps */
  public CircletOperator(KubernetesClient client, OperatorSettings settings, OrbRegistrySettings orbRegistry,
      MeterRegistry registry, Clock clock) {
    this(client, settings, new PodSettings(settings.runnerImage(), settings.runnerImagePullPolicy()), orbRegistry,
        registry, clock);
  }

  public CircletOperator(KubernetesClient client, OperatorSettings settings, PodSettings podSettings,
      OrbRegistrySettings orbRegistry,
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
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withConcurrentReconciliationThreads(settings.reconcileThreads())
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(false)
          // No reconciler changes the resource it is given (each computes its status on a copy),
          // so JOSDK's deep copy of the primary before every reconcile, a JSON round trip that
          // cost 5 % of the operator's CPU under load, is skipped.
          .withResourceCloner(CircletOperator::sameResource)
          // Listing 10,000 Builds from a busy API server can take longer than JOSDK's default of
          // two minutes; the operator would exit and start the same long list again.
          .withCacheSyncTimeout(java.time.Duration.ofMinutes(10))
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
        MachineBootData.ASSIGN_PORT), controller("build", settings, false, CacheTrimming::build));
    operator.register(new WorkflowReconciler(client, statusWriter, events, clock, settings.finishedTtl()),
        controller("workflow", settings, false, CacheTrimming::withoutManagedFields));
    operator.register(new PipelineReconciler(client, orbNamespace(settings), orbRegistry, statusWriter, clock),
        controller("pipeline", settings, false, CacheTrimming::withoutManagedFields));
    operator.register(new MachinePoolReconciler(client, machineBackend, statusWriter, clock),
        controller("machinepool", settings, true));
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
      if (trim != null) {
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
    operator.start();
    started = true;
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
    if (!started) {
      return;
    }
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
