package dev.circlet.runner.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One step's raw output on the agent's disk, kept until the gateway acknowledged it durable: the
 * step never waits for the network, and a broken stream is resumed from any acknowledged offset.
 * Lines are gathered in a 64 KiB buffer and written to the file when it is full: a step writes
 * line by line, and a system call per line was most of the agent's cost at high output rates.
 * Reads serve the buffered tail from memory, so nothing waits for the buffer to fill.
 */
final class StepSpool implements AutoCloseable {
  static final int BUFFER_BYTES = 64 * 1024;

  final int step;
  private final FileChannel file;
  private final byte[] pending = new byte[BUFFER_BYTES];
  private int pendingLength;
  /** Bytes {@code [0, flushed)} are in the file, {@code [flushed, written)} in {@link #pending}. */
  private long flushed;
  private long written;
  private boolean ended;
  /** Next offset to send on the current stream. */
  long sendOffset;
  /** Every byte before this is durable in the gateway. */
  long acked;
  boolean awaitingResume;
  boolean endSent;
  boolean ackedEnded;
  boolean capped;
  /** When the sender first saw output shorter than a chunk waiting (nanoTime), 0 when none waits. */
  long lingerSince;
  /** A write reaching this many bytes wakes the sender (a full chunk while it lingers). */
  volatile long wakeAt = Long.MAX_VALUE;

  StepSpool(int step, Path path) {
    this.step = step;
    try {
      this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends and returns how many bytes the step has written now. */
  synchronized long append(byte[] b, int off, int len) {
    if (ended) {
      throw new IllegalStateException("step " + step + " output has ended");
    }
    try {
      if (len > BUFFER_BYTES - pendingLength) {
        flush();
      }
      if (len >= BUFFER_BYTES) {
        writeFully(ByteBuffer.wrap(b, off, len), flushed);
        flushed += len;
      } else {
        System.arraycopy(b, off, pending, pendingLength, len);
        pendingLength += len;
      }
      written += len;
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void flush() throws IOException {
    if (pendingLength > 0) {
      writeFully(ByteBuffer.wrap(pending, 0, pendingLength), flushed);
      flushed += pendingLength;
      pendingLength = 0;
    }
  }

  private void writeFully(ByteBuffer buf, long at) throws IOException {
    long position = at;
    while (buf.hasRemaining()) {
      position += file.write(buf, position);
    }
  }

  synchronized void end() {
    ended = true;
  }

  synchronized long written() {
    return written;
  }

  synchronized boolean ended() {
    return ended;
  }

  /** Up to {@code max} bytes from {@code from}. */
  synchronized byte[] read(long from, int max) {
    long n = Math.min(max, written - from);
    if (n <= 0) {
      return new byte[0];
    }
    byte[] out = new byte[(int) n];
    int fromFile = (int) Math.max(0, Math.min(n, flushed - from));
    try {
      ByteBuffer buf = ByteBuffer.wrap(out, 0, fromFile);
      while (buf.hasRemaining()) {
        if (file.read(buf, from + buf.position()) < 0) {
          throw new IOException("spool of step " + step + " is shorter than its " + flushed + " written bytes");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (fromFile < n) {
      System.arraycopy(pending, (int) (from + fromFile - flushed), out, fromFile, (int) n - fromFile);
    }
    return out;
  }

  @Override
  public synchronized void close() {
    try {
      file.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
