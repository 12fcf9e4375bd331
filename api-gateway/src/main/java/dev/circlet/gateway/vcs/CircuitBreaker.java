package dev.circlet.gateway.vcs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Stops calling an API that keeps failing: after {@code threshold} failures in a row the breaker
 * opens and refuses calls for {@code cooldown}; then one trial call is let through (half-open),
 * whose success closes it and whose failure opens it again. Thread-safe; time from the clock given.
 */
public final class CircuitBreaker {
  /** The breaker's states. */
  public enum State { CLOSED, OPEN, HALF_OPEN }

  private final int threshold;
  private final Duration cooldown;
  private final Clock clock;
  private int failures;
  private Instant openedAt;
  private boolean trialOut;

  public CircuitBreaker(int threshold, Duration cooldown, Clock clock) {
    if (threshold < 1) {
      throw new IllegalArgumentException("a circuit breaker's threshold must be at least 1");
    }
    this.threshold = threshold;
    this.cooldown = cooldown;
    this.clock = clock;
  }

  /** Whether a call may go out now; in half-open state only one caller gets true until it reports. */
  public synchronized boolean allow() {
    if (openedAt == null) {
      return true;
    }
    if (clock.instant().isBefore(openedAt.plus(cooldown)) || trialOut) {
      return false;
    }
    trialOut = true;
    return true;
  }

  public synchronized void success() {
    failures = 0;
    openedAt = null;
    trialOut = false;
  }

  public synchronized void failure() {
    failures++;
    if (openedAt != null || failures >= threshold) {
      openedAt = clock.instant();
      trialOut = false;
    }
  }

  public synchronized State state() {
    if (openedAt == null) {
      return State.CLOSED;
    }
    return clock.instant().isBefore(openedAt.plus(cooldown)) ? State.OPEN : State.HALF_OPEN;
  }
}
