package dev.circlet.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The SIGTERM hook cancels the job and holds the JVM until the job wound down, within a bound. */
class CancelOnShutdownTest {
  @Test
  void theHookCancelsAndWaitsUntilTheJobFinished() throws Exception {
    CountDownLatch canceled = new CountDownLatch(1);
    CancelOnShutdown hook = new CancelOnShutdown(canceled::countDown, Duration.ofMinutes(5));
    Thread t = Thread.ofPlatform().start(hook);
    assertThat(canceled.await(60, TimeUnit.SECONDS)).isTrue();
    // the JVM would halt when the hook returns: it must still be waiting for the job
    t.join(200);
    assertThat(t.isAlive()).isTrue();
    hook.finished();
    t.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(t.isAlive()).isFalse();
  }

  @Test
  void aJobThatNeverFinishesHoldsTheHookOnlyForTheBound() throws Exception {
    CountDownLatch canceled = new CountDownLatch(1);
    Thread t = Thread.ofPlatform().start(new CancelOnShutdown(canceled::countDown, Duration.ofMillis(1)));
    t.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(t.isAlive()).isFalse();
    assertThat(canceled.getCount()).isZero();
  }

  @Test
  void aJobThatFinishedBeforeTheSignalDoesNotHoldTheHook() throws Exception {
    CancelOnShutdown hook = new CancelOnShutdown(() -> { }, Duration.ofMinutes(5));
    hook.finished();
    Thread t = Thread.ofPlatform().start(hook);
    t.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(t.isAlive()).isFalse();
  }
}
