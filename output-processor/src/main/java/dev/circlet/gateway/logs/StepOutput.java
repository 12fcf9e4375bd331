package dev.circlet.gateway.logs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One step's output on its way to storage: skips bytes already received (a resumed stream sends
 * again from the last acknowledged offset), refuses gaps, masks, and applies the per-step size
 * cap. Pure: it says what to append and which raw offset becomes durable once that append is;
 * the caller writes the append and only then acknowledges.
 *
 * <p>Two offsets matter. {@code received} is the raw offset of the next byte expected from the
 * runner. {@code consumed} is the raw offset up to which every byte has been turned into stored
 * output; the difference is the masker's held tail. Only {@code consumed} is ever acknowledged,
 * so after a failure the runner sends the held tail again and nothing is lost or doubled.
 */
public final class StepOutput {
  private final StreamMasker masker;
  private final long cap;
  private long received;
  private long consumed;
  private long stored;
  private boolean capped;
  private boolean ended;

  /**
   * Continues a step from its durable state: {@code consumed} raw bytes turned into
   * {@code stored} output bytes (which include a cap marker when {@code capped}).
   */
  public StepOutput(MaskPatterns patterns, long cap, long consumed, long stored, boolean capped, boolean ended) {
    if (cap < 0 || consumed < 0 || stored < 0) {
      throw new IllegalArgumentException("negative cap or offset");
    }
    this.masker = new StreamMasker(patterns);
    this.cap = cap;
    this.received = consumed;
    this.consumed = consumed;
    this.stored = stored;
    this.capped = capped;
    this.ended = ended;
  }

  /** What to store for a chunk or an end, and the state that holds once it is durable. */
  public record Append(byte[] data, long consumedAfter, long storedAfter, boolean capped, boolean ended) {
    public boolean isEmpty() {
      return data.length == 0;
    }
  }

  /** The marker stored once where a step's output passed the cap. */
  public static byte[] capMarker(long cap) {
    return ("\n[circlet] this step's output passed the " + human(cap)
            + " limit; later output was dropped (the step keeps running)\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Takes a chunk whose first byte is at raw {@code offset}. Bytes before {@code received} were
   * seen already and are skipped; a chunk starting after {@code received} would leave a gap and is
   * refused.
   */
  public Append accept(long offset, byte[] data) {
    if (ended) {
      throw new LogProtocolException("the step's output has ended; no more chunks are accepted");
    }
    if (offset < 0) {
      throw new LogProtocolException("negative offset " + offset);
    }
    if (offset > received) {
      throw new LogProtocolException(
          "chunk at offset " + offset + " leaves a gap: the next expected byte is at " + received);
    }
    long skip = received - offset;
    if (skip >= data.length) {
      return new Append(new byte[0], consumed, stored, capped, false);
    }
    byte[] fresh = skip == 0 ? data : Arrays.copyOfRange(data, (int) skip, data.length);
    received += fresh.length;
    if (capped) {
      // dropped, and acknowledged: the step keeps running and the runner forgets the bytes
      consumed = received;
      return new Append(new byte[0], consumed, stored, true, false);
    }
    byte[] masked = masker.push(fresh);
    consumed = received - masker.heldBytes();
    return limit(masked, false);
  }

  /** The step's output ended at raw {@code length}; flushes the held tail. */
  public Append end(long length) {
    if (ended) {
      return new Append(new byte[0], consumed, stored, capped, true);
    }
    if (length != received) {
      throw new LogProtocolException(
          "the step's output ends at " + length + " but " + received + " bytes were received");
    }
    byte[] rest = capped ? new byte[0] : masker.flush();
    consumed = received;
    ended = true;
    return limit(rest, true);
  }

  private Append limit(byte[] masked, boolean end) {
    if (capped) {
      return new Append(new byte[0], consumed, stored, true, end);
    }
    if (stored + masked.length <= cap) {
      stored += masked.length;
      return new Append(masked, consumed, stored, false, end);
    }
    int keep = (int) (cap - stored);
    byte[] marker = capMarker(cap);
    byte[] out = new byte[keep + marker.length];
    System.arraycopy(masked, 0, out, 0, keep);
    System.arraycopy(marker, 0, out, keep, marker.length);
    capped = true;
    // the held tail, if any, belongs to dropped output now
    consumed = received;
    stored += out.length;
    return new Append(out, consumed, stored, true, end);
  }

  public long received() {
    return received;
  }

  public long consumed() {
    return consumed;
  }

  public long stored() {
    return stored;
  }

  public boolean capped() {
    return capped;
  }

  public boolean ended() {
    return ended;
  }

  static String human(long bytes) {
    if (bytes >= (1L << 20) && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " bytes";
  }
}
