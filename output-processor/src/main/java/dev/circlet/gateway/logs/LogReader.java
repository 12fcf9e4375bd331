package dev.circlet.gateway.logs;

import dev.circlet.gateway.storage.ObjectStore;
import java.util.List;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads a step's stored output at any byte offset, finished or running, from wherever it lives
 * now: the compacted object, a segment in object storage, or the hot buffer. Stateless, so any
 * gateway replica serves any reader.
 */
public final class LogReader {
  private final HotBuffer hot;
  private final ObjectStore store;

  public LogReader(HotBuffer hot, ObjectStore store) {
    this.hot = hot;
    this.store = store;
  }

  /** Up to {@code max} bytes from {@code from}; the state tells whether more will come. */
  public record Slice(byte[] data, long from, StepState state) {
    public long next() {
      return from + data.length;
    }

    /** Every byte of the step has been read. */
    public boolean complete() {
      return state.ended() && next() >= state.stored();
    }
  }

  public Slice read(StepKey k, long from, int max) {
    if (from < 0) {
      throw new IllegalArgumentException("negative offset " + from);
    }
    for (int attempt = 0; ; attempt++) {
      HotBuffer.HotRead r = hot.read(k, from, max);
      StepState s = r.state();
      if (from >= s.stored()) {
        return new Slice(new byte[0], from, s);
      }
      int want = (int) Math.min(max, s.stored() - from);
      if (s.compacted()) {
        return new Slice(store.getRange(k.compactedKey(), from, want), from, s);
      }
      if (from >= s.base()) {
        return new Slice(r.data(), from, s);
      }
      byte[] seg = fromSegment(k, from, (int) Math.min(want, s.base() - from));
      if (seg.length > 0 || attempt > 0) {
        return new Slice(seg, from, s);
      }
      // compacted between the two reads: look again
    }
  }

  private byte[] fromSegment(StepKey k, long from, int max) {
    List<S3Object> segs = store.list(k.segmentPrefix());
    for (S3Object o : segs) {
      long start = Long.parseLong(o.key().substring(k.segmentPrefix().length()));
      if (from >= start && from < start + o.size()) {
        return store.getRange(o.key(), from - start, Math.min(max, start + o.size() - from));
      }
    }
    return new byte[0];
  }
}
