package dev.circlet.gateway.logs;

import dev.circlet.gateway.storage.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.UnifiedJedis;

/**
 * The output processor's parts wired together: hot buffer, object store, segment uploader (on its
 * own thread), and reader. The gateway application and the tests build it the same way.
 */
public final class OutputProcessor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OutputProcessor.class.getName());

  /** Everything configurable about the output processor. */
  public record Settings(long stepCapBytes, long hotMaxBytes, int segmentBytes, Duration flushAfter,
      Duration retryMin, Duration retryMax, Duration uploadInterval) {}

  private final HotBuffer hot;
  private final ObjectStore store;
  private final LogReader reader;
  private final SegmentUploader uploader;
  private final Thread thread;
  private final Duration interval;
  private volatile boolean closed;

  public OutputProcessor(UnifiedJedis redis, ObjectStore store, Settings s) {
    this.hot = new HotBuffer(redis, s.hotMaxBytes());
    this.store = store;
    this.reader = new LogReader(hot, store);
    this.uploader = new SegmentUploader(hot, store,
        new SegmentUploader.Settings(s.segmentBytes(), s.flushAfter(), s.retryMin(), s.retryMax()), Clock.systemUTC());
    this.interval = s.uploadInterval();
    this.thread = Thread.ofPlatform().daemon().name("circlet-segment-uploader").start(this::loop);
  }

  private void loop() {
    while (!closed) {
      try {
        if (uploader.runOnce() == 0) {
          Thread.sleep(interval.toMillis());
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the hot buffer itself is unreachable: keep trying, every acknowledged byte is in it
        LOG.log(Level.WARNING, "segment upload pass failed: " + e);
        try {
          Thread.sleep(Math.max(interval.toMillis(), 500));
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  public HotBuffer hot() {
    return hot;
  }

  public ObjectStore store() {
    return store;
  }

  public LogReader reader() {
    return reader;
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.interrupt();
    thread.join(10_000);
  }
}
