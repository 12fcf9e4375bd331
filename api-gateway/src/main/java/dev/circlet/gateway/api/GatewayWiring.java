package dev.circlet.gateway.api;

import com.rabbitmq.client.ConnectionFactory;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.config.BoundedCompiler;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.gateway.archive.ArchiveSettings;
import dev.circlet.gateway.archive.ArchiveStore;
import dev.circlet.gateway.archive.Archiver;
import dev.circlet.gateway.orbs.ClusterOrbs;
import dev.circlet.gateway.orbs.OrbSettings;
import dev.circlet.gateway.broker.BrokerSettings;
import dev.circlet.gateway.broker.BrokerTopology;
import dev.circlet.gateway.broker.ConfirmedPublisher;
import dev.circlet.gateway.broker.DeliveryConsumer;
import dev.circlet.gateway.continuation.ContinuationSettings;
import dev.circlet.gateway.continuation.ContinuationStore;
import dev.circlet.gateway.continuation.SetupEnds;
import dev.circlet.gateway.history.DeliveryStore;
import dev.circlet.gateway.schedule.ConfigSchedules;
import dev.circlet.gateway.schedule.QueuedScheduleFiring;
import dev.circlet.gateway.schedule.ScheduleSettings;
import dev.circlet.gateway.schedule.ScheduleStore;
import dev.circlet.gateway.schedule.Scheduler;
import dev.circlet.gateway.vcs.StatusSender;
import dev.circlet.gateway.vcs.StatusSettings;
import dev.circlet.gateway.vcs.WorkflowStatusReporter;
import dev.circlet.gateway.kube.LeaderOnly;
import dev.circlet.gateway.trigger.DeliveryHandler;
import dev.circlet.gateway.trigger.DeliveryProcessor;
import dev.circlet.gateway.trigger.KubernetesPipelines;
import dev.circlet.gateway.trigger.KubernetesWebhookSecrets;
import dev.circlet.gateway.trigger.RepositoryConfigLoader;
import dev.circlet.gateway.trigger.RunPlanner;
import dev.circlet.gateway.trigger.SetupRuns;
import dev.circlet.gateway.webhook.Provider;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Builds the gateway's parts from configuration and mounts the webhook routes. */
@ApplicationScoped
public class GatewayWiring {
  private final ConfirmedPublisher publisher;
  private final KubernetesPipelines pipelines;
  private final DeliveryConsumer consumer;
  private final WebhookEndpoint webhooks;
  private final KubernetesClient client;
  private final DeliveryStore store;
  private final Duration confirmTimeout;
  private final Archiver archiver;
  private final ScheduledExecutorService scheduling;
  private final AutoCloseable statuses;
  private final ContinuationStore continuations;
  private final SetupEnds setupEnds;
  private final Clock clock = Clock.systemUTC();

  public GatewayWiring(BrokerSettings broker, GatewaySettings settings, ArchiveSettings archive,
      ScheduleSettings schedules, StatusSettings statusSettings, ContinuationSettings continuation,
      KubernetesClient client, DataSource dataSource, Vertx vertx, OrbSettings orbs,
      @ConfigProperty(name = "circlet.gateway.namespaces") Optional<List<String>> namespaces) {
    List<String> served = namespaces.orElse(List.of());
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(broker.host());
    factory.setPort(broker.port());
    factory.setUsername(broker.username());
    factory.setPassword(broker.password());
    factory.setVirtualHost(broker.virtualHost());
    if (broker.tls()) {
      try {
        factory.useSslProtocol(javax.net.ssl.SSLContext.getDefault());
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("no TLS for the broker connection: " + e.getMessage(), e);
      }
      factory.enableHostnameVerification();
    }
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(5_000);
    BrokerTopology topology = new BrokerTopology(broker.queue(), broker.deliveryLimit());
    this.publisher = new ConfirmedPublisher(factory, topology, broker.confirmTimeout(), Duration.ofSeconds(1));
    this.pipelines = new KubernetesPipelines(client, served);
    this.client = client;
    this.store = new DeliveryStore(dataSource);
    this.confirmTimeout = broker.confirmTimeout();
    RepositoryConfigLoader configs = new RepositoryConfigLoader(client, settings.gitTimeoutSeconds());
    ClusterOrbs clusterOrbs = new ClusterOrbs(client, orbs.namespace(), orbs.toSettings());
    this.continuations = new ContinuationStore(dataSource);
    this.setupEnds = new SetupEnds(continuations, store, (ns, name) -> {
      Workflow w = client.resources(Workflow.class).inNamespace(ns).withName(name).get();
      return w == null || w.getStatus() == null ? null : w.getStatus().phase;
    });
    DeliveryProcessor processor = new DeliveryProcessor(store, pipelines, configs, new RunPlanner(clusterOrbs),
        pipelines, new SetupRuns(continuations, store, clock, continuation.ttl()));
    this.consumer = broker.consume()
        ? new DeliveryConsumer(factory, topology, broker.consumers(), broker.prefetch(), broker.retryPause(),
            new DeliveryHandler(processor)).start()
        : null;
    this.webhooks = new WebhookEndpoint(vertx,
        new KubernetesWebhookSecrets(client, pipelines, settings.secretsMaxAge(), Duration.ofSeconds(2), Clock.systemUTC()),
        publisher, Map.of(Provider.GITHUB, settings.githubMaxBytes(), Provider.GITLAB, settings.gitlabMaxBytes(),
            Provider.BITBUCKET, settings.bitbucketMaxBytes()));
    this.archiver = archive.enabled()
        ? new Archiver(client, new ArchiveStore(dataSource), archive.namespaces().orElse(List.of()), archive.resync(),
            setupEnds::observe).start()
        : null;
    this.scheduling = schedules.enabled() ? startScheduler(schedules, configs, clusterOrbs.get(), dataSource) : null;
    // One replica reports at a time (kube/LeaderOnly): each Workflow's states then reach the VCS in order.
    this.statuses = !statusSettings.enabled() ? null
        : !statusSettings.leaderElection() ? statusReporter(statusSettings, client).in(served).start()
        : new LeaderOnly(client, statusSettings.leaseNamespace().orElseGet(() -> ownNamespace(client)),
            statusSettings.leaseName(), identity(), LeaderOnly.Timing.DEFAULT,
            () -> statusReporter(statusSettings, client).in(served).start()).start();
  }

  private static String ownNamespace(KubernetesClient client) {
    String ns = client.getNamespace();
    return ns == null || ns.isBlank() ? "default" : ns;
  }

  /** This replica in a Lease: its pod name (the host name in a pod), made unique per process. */
  private static String identity() {
    String host = System.getenv("HOSTNAME");
    return (host == null || host.isBlank() ? "gateway" : host) + "-" + java.util.UUID.randomUUID().toString()
        .substring(0, 8);
  }

  private static WorkflowStatusReporter statusReporter(StatusSettings s, KubernetesClient client) {
    StatusSender sender = new StatusSender(java.net.http.HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5)).build(), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
        new StatusSender.Policy(s.maxAttempts(), s.firstBackoff(), s.maxBackoff(), s.perSecond(), s.burst(),
            s.breakerThreshold(), s.breakerCooldown(), Duration.ofSeconds(10)), s.apiHosts());
    return new WorkflowStatusReporter(client, sender, s.targetUrl().orElse(null), s.lanes(), Clock.systemUTC(),
        Duration.ofMinutes(5));
  }

  private ScheduledExecutorService startScheduler(ScheduleSettings s, RepositoryConfigLoader configs,
      ConfigCompiler compiler, DataSource dataSource) {
    Clock clock = Clock.systemUTC();
    Scheduler scheduler = new Scheduler(pipelines::all,
        new ConfigSchedules(configs, compiler, new BoundedCompiler(1), clock, s.configRefresh()),
        new ScheduleStore(dataSource), new QueuedScheduleFiring(publisher, confirmTimeout), clock, s.lease());
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "circlet-scheduler");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(() -> {
      try {
        scheduler.runOnce();
      } catch (RuntimeException e) {
        // One failed pass (PostgreSQL away) must not end the schedule: the next pass tries again.
        java.util.logging.Logger.getLogger(Scheduler.class.getName()).warning("schedule pass failed: " + e);
      }
    }, s.interval().toMillis(), s.interval().toMillis(), TimeUnit.MILLISECONDS);
    return executor;
  }

  void routes(@Observes Router router) {
    webhooks.mount(router);
    // Paths under /api that no resource serves: a problem document like every other API error.
    router.route("/api/*").order(Integer.MAX_VALUE - 10).handler(rc -> {
      if (!rc.response().ended()) {
        rc.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json")
            .end("{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404,\"detail\":\"no such API path\"}");
      }
    });
  }

  /** The publisher of the deliveries queue (webhooks and API triggers share it). */
  public ConfirmedPublisher publisher() {
    return publisher;
  }

  /** Runs and deliveries in PostgreSQL. */
  public DeliveryStore store() {
    return store;
  }

  /** The Pipelines the gateway serves, from its informer. */
  public KubernetesPipelines pipelines() {
    return pipelines;
  }

  /** The archiver, or null on a replica that does not archive. */
  public Archiver archiver() {
    return archiver;
  }

  /** Continuations of setup runs. */
  public ContinuationStore continuations() {
    return continuations;
  }

  /** Ends setup runs whose setup workflows finished without continuing. */
  public SetupEnds setupEnds() {
    return setupEnds;
  }

  public Clock clock() {
    return clock;
  }

  public KubernetesClient client() {
    return client;
  }

  /** The longest wait for a broker confirm. */
  public Duration confirmTimeout() {
    return confirmTimeout;
  }

  void stop(@Observes ShutdownEvent event) {
    if (archiver != null) {
      archiver.close();
    }
    if (scheduling != null) {
      scheduling.shutdownNow();
    }
    if (statuses != null) {
      try {
        statuses.close();
      } catch (Exception e) {
        java.util.logging.Logger.getLogger(GatewayWiring.class.getName()).warning("stopping statuses: " + e);
      }
    }
    if (consumer != null) {
      consumer.close();
    }
    publisher.close();
    pipelines.close();
  }
}
