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
 */
final class StepSpool implements AutoCloseable {
  final int step;
  private final FileChannel file;
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

  StepSpool(int step, Path path) {
    this.step = step;
    try {
      this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized void append(byte[] b, int off, int len) {
    if (ended) {
      throw new IllegalStateException("step " + step + " output has ended");
    }
    try {
      ByteBuffer buf = ByteBuffer.wrap(b, off, len);
      while (buf.hasRemaining()) {
        written += file.write(buf, written);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
  byte[] read(long from, int max) {
    long n;
    synchronized (this) {
      n = Math.min(max, written - from);
    }
    if (n <= 0) {
      return new byte[0];
    }
    ByteBuffer buf = ByteBuffer.allocate((int) n);
    try {
      while (buf.hasRemaining()) {
        if (file.read(buf, from + buf.position()) < 0) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.array();
  }

  @Override
  public void close() {
    try {
      file.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
