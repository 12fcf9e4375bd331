package dev.circlet.runner;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's shutdown hook (SIGTERM: the Build was cancelled and its pod deleted): cancels the
 * job and waits, up to a bound inside the pod's termination grace period, until the job wound down.
 * Without the wait the JVM halted as soon as the job was flagged, so the running step's last output,
 * its end and its "canceled" event never reached the gateway, and live tails of the step waited for
 * an end that never came.
 */
public final class CancelOnShutdown implements Runnable {
  /** Below the pod's default termination grace period (30 s), above the agent's kill grace (10 s). */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(25);

  private final Runnable cancel;
  private final Duration wait;
  private final CountDownLatch finished = new CountDownLatch(1);

  public CancelOnShutdown(Runnable cancel, Duration wait) {
    this.cancel = cancel;
    this.wait = wait;
  }

  @Override
  public void run() {
    cancel.run();
    try {
      finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The job ended and its output and events were handed to the gateway (or given up on). */
  public void finished() {
    finished.countDown();
  }
}
