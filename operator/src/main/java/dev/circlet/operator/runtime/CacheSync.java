package dev.circlet.operator.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import java.time.Duration;

/**
 * Whether a reconciler's caches hold a complete list yet. Start-up carries on when an informer's
 * first list takes longer than the sync timeout (a starved API server; the informer keeps
 * retrying), so a reconciler that decides from its caches — which pods exist, which Builds hold
 * slots — first checks here and looks again later instead of acting on part of the cluster.
 * Once synced, an informer stays synced (a relist after a dropped watch replaces the cache whole).
 */
public final class CacheSync {
  /** How soon a reconcile that found its caches incomplete runs again. */
  public static final Duration RECHECK = Duration.ofSeconds(1);

  private volatile boolean synced;

  /** Whether the primary cache of {@code context} and every given informer have synced. */
  public <P extends HasMetadata> boolean synced(Context<P> context, ManagedInformerEventSource<?, ?, ?>... secondaries) {
    if (synced) {
      return true;
    }
    if (!allSynced(context.eventSourceRetriever().getControllerEventSource())) {
      return false;
    }
    for (ManagedInformerEventSource<?, ?, ?> source : secondaries) {
      if (source != null && !allSynced(source)) {
        return false;
      }
    }
    synced = true;
    return true;
  }

  private static boolean allSynced(ManagedInformerEventSource<?, ?, ?> source) {
    var indicators = source.informerHealthIndicators();
    return !indicators.isEmpty() && indicators.values().stream().allMatch(InformerHealthIndicator::hasSynced);
  }
}
