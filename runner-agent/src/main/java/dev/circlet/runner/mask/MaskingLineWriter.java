package dev.circlet.runner.mask;

import java.util.Arrays;

/**
 * Turns a step's raw output chunks into masked lines. Lines are buffered until their newline, so
 * a secret split across writes is still masked; a line longer than {@link #MAX_LINE} is flushed
 * in pieces that keep a tail window of the longest secret form.
 */
public final class MaskingLineWriter {
  /** Longest partial line held before it is flushed without its newline. */
  public static final int MAX_LINE = 64 * 1024;

  /** Receives complete masked lines (without the newline) or pieces of an over-long line. */
  public interface LineSink {
    void line(byte[] b, int off, int len);
  }

  private final SecretMasker masker;
  private final LineSink sink;
  private byte[] pending = new byte[8192];
  private int pendingLen;
  private final SecretMasker.ByteSink scratch = new SecretMasker.ByteSink();

  public MaskingLineWriter(SecretMasker masker, LineSink sink) {
    this.masker = masker;
    this.sink = sink;
  }

  /** Feeds raw output. */
  public void write(byte[] b, int off, int len) {
    int end = off + len;
    int start = off;
    for (int i = off; i < end; i++) {
      if (b[i] == '\n') {
        if (pendingLen == 0) {
          emitLine(b, start, i - start);
        } else {
          append(b, start, i - start);
          emitLine(pending, 0, pendingLen);
          pendingLen = 0;
        }
        start = i + 1;
      }
    }
    if (start < end) {
      append(b, start, end - start);
      if (pendingLen > MAX_LINE) {
        flushPartial();
      }
    }
  }

  /** Emits whatever is pending as a last line (end of the step). */
  public void close() {
    if (pendingLen > 0) {
      emitLine(pending, 0, pendingLen);
      pendingLen = 0;
    }
  }

  private void flushPartial() {
    int keep = Math.max(0, masker.maxLength() - 1);
    if (masker.isEmpty()) {
      sink.line(pending, 0, pendingLen);
      pendingLen = 0;
      return;
    }
    scratch.clear();
    int consumed = masker.mask(pending, 0, pendingLen, pendingLen - keep, scratch);
    sink.line(scratch.buf, 0, scratch.len);
    System.arraycopy(pending, consumed, pending, 0, pendingLen - consumed);
    pendingLen -= consumed;
  }

  private void emitLine(byte[] b, int off, int len) {
    if (len > 0 && b[off + len - 1] == '\r') {
      len--;
    }
    if (masker.isEmpty()) {
      sink.line(b, off, len);
      return;
    }
    scratch.clear();
    masker.mask(b, off, len, off + len, scratch);
    sink.line(scratch.buf, 0, scratch.len);
  }

  private void append(byte[] b, int off, int len) {
    if (pendingLen + len > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLen + len));
    }
    System.arraycopy(b, off, pending, pendingLen, len);
    pendingLen += len;
  }
}
