package dev.circlet.operator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Starts the embedded operator when the Quarkus application starts and stops it on shutdown. */
@ApplicationScoped
public class OperatorRuntime {
  private static final Logger LOG = Logger.getLogger(OperatorRuntime.class);

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final MeterRegistry registry;
  private volatile CircletOperator operator;

  public OperatorRuntime(KubernetesClient client, OperatorConfig config, MeterRegistry registry) {
    this.client = client;
    this.config = config;
    this.registry = registry;
  }

  void onStart(@Observes StartupEvent event) {
    OperatorSettings settings = config.toSettings();
    LOG.infof("starting Circlet operator against %s (namespaces %s, leader election %s, %d reconcile threads)",
        client.getMasterUrl(), settings.namespaces().isEmpty() ? "all" : settings.namespaces(),
        settings.leaderElection() ? "on, lease " + settings.leaseName() : "off", settings.reconcileThreads());
    CircletOperator op = new CircletOperator(client, settings, config.podSettings(), config.orbRegistry(),
        config.startupSettings(), registry, Clock.systemUTC());
    operator = op;
    // Without leader election, start() returns only once the informers have listed everything,
    // which on a busy API server with 10,000 Builds may take minutes: started on its own thread,
    // the application serves /q/health meanwhile (live, not ready) instead of failing its probes.
    Thread.ofPlatform().name("circlet-operator-start").daemon().start(() -> {
      try {
        op.start();
        LOG.info("Circlet operator started");
      } catch (RuntimeException e) {
        LOG.error("the Circlet operator failed to start; exiting", e);
        io.quarkus.runtime.Quarkus.asyncExit(1);
      }
    });
  }

  void onStop(@Observes ShutdownEvent event) {
    CircletOperator op = operator;
    if (op != null) {
      op.stop();
    }
  }

  /** The operator (started, or still starting), or null before the application started it. */
  public CircletOperator operator() {
    return operator;
  }
}
