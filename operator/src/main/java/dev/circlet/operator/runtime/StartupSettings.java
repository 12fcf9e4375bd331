package dev.circlet.operator.runtime;

import java.time.Duration;

/**
 * How the operator fills its informer caches at start, so that it starts against a starved API
 * server instead of giving up: lists are paginated ({@code limit}/{@code continue}), their
 * requests may take longer than the client's other calls, and a list that fails is retried with
 * back-off (by the informer) rather than ending the operator.
 *
 * @param listPageSize items per page of an informer's list of Builds, Workflows, Pipelines and
 *     build pods; 0 lists everything in one response
 * @param listRequestTimeout the request timeout of JOSDK's client: each page of an informer's
 *     list, and the writes made through the reconcile context (status, pod create)
 * @param cacheSyncTimeout how long start-up waits for one informer's first sync before it carries
 *     on; informers keep retrying after that, readiness stays false, and reconcilers whose caches
 *     have not synced wait instead of acting on a partial cache
 */
public record StartupSettings(long listPageSize, Duration listRequestTimeout, Duration cacheSyncTimeout) {
  public static final long DEFAULT_LIST_PAGE_SIZE = 500;
  public static final Duration DEFAULT_LIST_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_CACHE_SYNC_TIMEOUT = Duration.ofMinutes(10);

  public StartupSettings {
    if (listPageSize < 0) {
      throw new IllegalArgumentException("list page size must be 0 (no pages) or positive, was " + listPageSize);
    }
    if (listRequestTimeout == null || listRequestTimeout.isNegative() || listRequestTimeout.isZero()) {
      throw new IllegalArgumentException("list request timeout must be positive, was " + listRequestTimeout);
    }
    if (cacheSyncTimeout == null || cacheSyncTimeout.isNegative() || cacheSyncTimeout.isZero()) {
      throw new IllegalArgumentException("cache sync timeout must be positive, was " + cacheSyncTimeout);
    }
  }

  public static StartupSettings defaults() {
    return new StartupSettings(DEFAULT_LIST_PAGE_SIZE, DEFAULT_LIST_REQUEST_TIMEOUT, DEFAULT_CACHE_SYNC_TIMEOUT);
  }

  /** The list limit informers are given: null (one response) for a page size of 0. */
  public Long listLimit() {
    return listPageSize == 0 ? null : listPageSize;
  }
}
