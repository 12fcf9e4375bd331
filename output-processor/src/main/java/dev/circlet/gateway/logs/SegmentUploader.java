package dev.circlet.gateway.logs;

import dev.circlet.gateway.storage.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Moves output from the hot buffer into object-storage segments, and compacts a finished step's
 * segments into one object. Any gateway replica may run it: a per-step lock in Redis keeps two
 * from uploading the same step at once, and every step is idempotent (a segment is keyed by its
 * start offset, the hot buffer is trimmed only if nobody trimmed it meanwhile). When the object
 * store fails, the step is retried with exponential backoff while the hot buffer holds its output.
 */
public final class SegmentUploader {
  private static final Logger LOG = Logger.getLogger(SegmentUploader.class.getName());

  /** Tuning: how big a segment is, how long output may wait in the hot buffer, retry backoff. */
  public record Settings(int segmentBytes, Duration flushAfter, Duration retryMin, Duration retryMax) {}

  private final HotBuffer hot;
  private final ObjectStore store;
  private final Settings settings;
  private final Clock clock;
  private final String owner = UUID.randomUUID().toString();
  private final Map<StepKey, Long> lastUpload = new HashMap<>();
  private final Map<StepKey, long[]> backoff = new HashMap<>();

  public SegmentUploader(HotBuffer hot, ObjectStore store, Settings settings, Clock clock) {
    this.hot = hot;
    this.store = store;
    this.settings = settings;
    this.clock = clock;
  }

  /** One pass over every active step; returns how many bytes reached object storage. */
  public long runOnce() {
    long moved = 0;
    long now = clock.millis();
    for (StepKey k : hot.active()) {
      long[] b = backoff.get(k);
      if (b != null && now < b[0]) {
        continue;
      }
      if (!hot.lock(k, owner, 60_000)) {
        continue;
      }
      try {
        moved += step(k, now);
        backoff.remove(k);
      } catch (RuntimeException e) {
        long delay = b == null ? settings.retryMin().toMillis()
            : Math.min(settings.retryMax().toMillis(), b[1] * 2);
        backoff.put(k, new long[] {now + delay, delay});
        LOG.log(Level.WARNING, "log upload for " + k.id() + " failed, retrying in " + delay + " ms: " + e);
      } finally {
        hot.unlock(k, owner);
      }
    }
    lastUpload.keySet().retainAll(hot.active());
    return moved;
  }

  /** The most a step may hold in the hot buffer to be written as its one object directly. */
  static final int DIRECT_MAX = 16 << 20;

  private long step(StepKey k, long now) {
    long moved = 0;
    while (true) {
      StepState s = hot.state(k);
      if (s.compacted()) {
        return moved;
      }
      if (s.ended() && s.base() == 0 && s.stored() > 0 && s.stored() <= DIRECT_MAX) {
        long direct = direct(k, s);
        if (direct > 0) {
          return moved + direct;
        }
      }
      long pending = s.hotBytes();
      if (pending == 0) {
        if (s.ended()) {
          compact(k);
        }
        return moved;
      }
      boolean due = pending >= settings.segmentBytes() || s.ended()
          || now - lastUpload.getOrDefault(k, 0L) >= settings.flushAfter().toMillis();
      if (!due) {
        return moved;
      }
      int len = (int) Math.min(pending, settings.segmentBytes());
      HotBuffer.HotRead r = hot.read(k, s.base(), len);
      if (r.state().base() != s.base() || r.data().length == 0) {
        continue;
      }
      store.put(k.segmentKey(s.base()), r.data());
      hot.trim(k, s.base(), r.data().length);
      lastUpload.put(k, now);
      moved += r.data().length;
    }
  }

  /**
   * A step that ended with all its output still hot (most steps: their output is small, or the
   * uploader was behind) is written as its one object at once: one PUT instead of segments, reading
   * them back, a second PUT and deletes. Returns the bytes written, 0 when the step moved meanwhile.
   */
  private long direct(StepKey k, StepState s) {
    HotBuffer.HotRead r = hot.read(k, 0, (int) s.stored());
    if (r.state().base() != 0 || r.data().length != s.stored()) {
      return 0;
    }
    store.put(k.compactedKey(), r.data());
    // a segment written before a replica died, its trim never made, is superseded by the object
    List<S3Object> stray = store.list(k.segmentPrefix());
    hot.compacted(k);
    for (S3Object p : stray) {
      store.delete(p.key());
    }
    return r.data().length;
  }

  private void compact(StepKey k) {
    List<S3Object> parts = store.list(k.segmentPrefix());
    store.concatenate(k.compactedKey(), parts);
    hot.compacted(k);
    for (S3Object p : parts) {
      store.delete(p.key());
    }
  }
}
