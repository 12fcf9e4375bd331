package dev.circlet.gateway.vcs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket: {@code burst} calls at once, then {@code perSecond} calls a second. Each call
 * reserves a slot and learns how long to wait for it, so callers queue in order. Thread-safe.
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final Clock clock;
  private double tokens;
  private Instant last;

  public RateLimiter(double perSecond, int burst, Clock clock) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least 1");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.last = clock.instant();
  }

  /** Reserves one call; returns how long the caller must wait before making it (zero when at once). */
  public synchronized Duration reserve() {
    Instant now = clock.instant();
    if (now.isAfter(last)) {
      tokens = Math.min(burst, tokens + Duration.between(last, now).toNanos() / 1e9 * perSecond);
      last = now;
    }
    tokens -= 1;
    if (tokens >= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil(-tokens / perSecond * 1e9));
  }
}
