package dev.circlet.gateway.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a task in one gateway replica at a time: the replica that holds a Lease starts it, and stops
 * it when it loses the Lease. Commit statuses need this: two replicas each reporting a Workflow's
 * states could deliver one replica's late "pending" after the other's "success", and the VCS would
 * show the last one. A replica that loses the Lease stands for election again; closing releases the
 * Lease at once, so another replica takes over within the retry period rather than the lease.
 */
public final class LeaderOnly implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LeaderOnly.class.getName());

  /** How long a Lease lasts, how long the holder tries to renew it, and how often others try to take it. */
  public record Timing(Duration lease, Duration renewDeadline, Duration retryPeriod) {
    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10),
        Duration.ofSeconds(2));
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Timing timing;
  private final Supplier<AutoCloseable> task;
  private AutoCloseable running;
  private CompletableFuture<?> election;
  private boolean closed;

  public LeaderOnly(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
      Supplier<AutoCloseable> task) {
    this.client = client;
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
    this.timing = timing;
    this.task = task;
  }

  public synchronized LeaderOnly start() {
    if (closed) {
      return this;
    }
    var config = new LeaderElectionConfigBuilder()
        .withName(leaseName)
        .withLock(new LeaseLock(namespace, leaseName, identity))
        .withLeaseDuration(timing.lease())
        .withRenewDeadline(timing.renewDeadline())
        .withRetryPeriod(timing.retryPeriod())
        .withReleaseOnCancel()
        .withLeaderCallbacks(new LeaderCallbacks(this::lead, this::stopLeading, leader -> { }))
        .build();
    CompletableFuture<?> f = client.leaderElector().withConfig(config).build().start();
    election = f;
    // The elector ends once leadership is lost (or could not be kept): stand again after a pause.
    f.whenComplete((ok, err) -> {
      if (err != null && !(err instanceof java.util.concurrent.CancellationException)) {
        LOG.log(Level.WARNING, "leader election for Lease " + namespace + "/" + leaseName + " ended: " + err);
      }
      CompletableFuture.delayedExecutor(timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)
          .execute(this::restart);
    });
    return this;
  }

  private synchronized void restart() {
    if (!closed && election != null && election.isDone()) {
      start();
    }
  }

  /** Whether this replica runs the task now. */
  public synchronized boolean leading() {
    return running != null;
  }

  private synchronized void lead() {
    if (closed || running != null) {
      return;
    }
    LOG.info(identity + " holds Lease " + namespace + "/" + leaseName);
    running = task.get();
  }

  private synchronized void stopLeading() {
    AutoCloseable r = running;
    running = null;
    if (r != null) {
      LOG.info(identity + " no longer holds Lease " + namespace + "/" + leaseName);
      try {
        r.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "stopping the task of Lease " + leaseName + " failed: " + e);
      }
    }
  }

  @Override
  public void close() {
    CompletableFuture<?> f;
    synchronized (this) {
      closed = true;
      f = election;
    }
    stopLeading();
    if (f != null) {
      f.cancel(true); // releases the Lease (releaseOnCancel)
    }
  }
}
