package dev.circlet.gateway.logs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Masks one step's output as it arrives in chunks. A value split across chunks is still masked:
 * the masker holds back the shortest tail that could still grow into a secret (at most the
 * longest pattern minus one byte) and passes everything before it on at once, so a live tail
 * is not delayed by ordinary output.
 */
public final class StreamMasker {
  /** What replaces a masked value. */
  public static final byte[] MASK = "********".getBytes(StandardCharsets.US_ASCII);

  private final MaskPatterns patterns;
  private byte[] held = new byte[0];

  public StreamMasker(MaskPatterns patterns) {
    this.patterns = patterns;
  }

  /** Raw bytes received but not yet passed on (a possible start of a secret). */
  public int heldBytes() {
    return held.length;
  }

  /** Masks {@code data} after the held tail; returns the output that is safe to store now. */
  public byte[] push(byte[] data) {
    return run(concat(held, data), false);
  }

  /** The step's output ended: masks and returns the held tail. */
  public byte[] flush() {
    return run(held, true);
  }

  private byte[] run(byte[] buf, boolean last) {
    int n = buf.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream(n);
    int copyFrom = 0;
    int i = 0;
    while (i < n) {
      if (!patterns.mayStartAt(buf[i])) {
        i++;
        continue;
      }
      if (!last && patterns.prefixAt(buf, i, n)) {
        break;
      }
      int len = patterns.matchAt(buf, i, n);
      if (len > 0) {
        out.write(buf, copyFrom, i - copyFrom);
        out.write(MASK, 0, MASK.length);
        i += len;
        copyFrom = i;
      } else {
        i++;
      }
    }
    out.write(buf, copyFrom, i - copyFrom);
    held = last ? new byte[0] : java.util.Arrays.copyOfRange(buf, i, n);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    if (a.length == 0) {
      return b;
    }
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
