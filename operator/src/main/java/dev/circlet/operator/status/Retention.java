package dev.circlet.operator.status;

import dev.circlet.api.v1alpha1.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long a finished Workflow or standalone Build stays in the cluster. Finished runs are history,
 * and history belongs in the history store, not in etcd: at thousands of builds a day, keeping
 * every Build, its pod and its Secret would fill etcd within weeks.
 */
public final class Retention {
  private Retention() {}

  /**
   * The time left before a run that finished at {@code finishedAt} may be deleted: zero when it is
   * due, empty when it is kept (no retention configured, or not finished).
   *
   * @param ttl time to keep a finished run; null or zero keeps runs for good
   */
  public static Optional<Duration> remaining(String finishedAt, Duration ttl, Instant now) {
    if (ttl == null || ttl.isZero() || ttl.isNegative()) {
      return Optional.empty();
    }
    Instant finished = Timestamps.parse(finishedAt);
    if (finished == null) {
      return Optional.empty();
    }
    Duration left = Duration.between(now, finished.plus(ttl));
    return Optional.of(left.isNegative() ? Duration.ZERO : left);
  }
}
