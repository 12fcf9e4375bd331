package dev.circlet.kubetest.node;

import java.time.Duration;
import java.time.Instant;

/**
 * When a projected ServiceAccount token is requested again, as a kubelet does: at 80% of its
 * lifetime and never later than 24 hours after it was issued, or sooner when the node sets a
 * shorter refresh point (tests, which cannot wait the API server's 10-minute minimum lifetime).
 *
 * @param refreshAfter the node's own refresh point after issue; {@code null} for the kubelet's rule
 */
public record TokenRefresh(Duration refreshAfter) {

  /** A kubelet refreshes a token once it is older than this, whatever its lifetime. */
  static final Duration MAX_AGE = Duration.ofHours(24);
  /** The kubelet's rule alone. */
  public static final TokenRefresh KUBELET = new TokenRefresh(null);

  public TokenRefresh {
    if (refreshAfter != null && (refreshAfter.isNegative() || refreshAfter.isZero())) {
      throw new IllegalArgumentException("token refresh point must be positive, got " + refreshAfter);
    }
  }

  /** The instant a token issued at {@code issued} that expires at {@code expires} is requested again. */
  public Instant refreshAt(Instant issued, Instant expires) {
    if (!expires.isAfter(issued)) {
      throw new IllegalArgumentException("token expires at " + expires + ", not after it was issued at " + issued);
    }
    // 80% in milliseconds: the lifetime of a token fits a long many times over
    Duration after = Duration.ofMillis(Duration.between(issued, expires).toMillis() * 4 / 5);
    if (after.compareTo(MAX_AGE) > 0) {
      after = MAX_AGE;
    }
    if (refreshAfter != null && refreshAfter.compareTo(after) < 0) {
      after = refreshAfter;
    }
    return issued.plus(after);
  }
}
