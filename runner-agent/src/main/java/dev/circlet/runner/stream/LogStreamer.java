package dev.circlet.runner.stream;

import com.google.protobuf.UnsafeByteOperations;
import dev.circlet.proto.runner.v1.LogAck;
import dev.circlet.proto.runner.v1.LogChunk;
import dev.circlet.proto.runner.v1.LogFrame;
import dev.circlet.proto.runner.v1.Resume;
import dev.circlet.proto.runner.v1.RunnerGrpc;
import dev.circlet.proto.runner.v1.StepOutputEnd;
import dev.circlet.proto.runner.v1.StreamOpen;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Streams a build's step output to the gateway over {@code StreamLogs}. Steps write into spool
 * files and never wait; one sender thread sends from the spools and, after a broken stream (a
 * gateway restart, a network cut), opens a new one, asks for each unfinished step's durable
 * offset and sends again from there, so the gateway gets every byte once, in order.
 */
public final class LogStreamer implements AutoCloseable {
  /**
   * Chunk size, bytes in flight before waiting for acknowledgements, reconnect backoff, and the
   * linger: how long output shorter than a chunk may wait for more before it is sent anyway. A
   * step writes line by line; sending each line as it comes made one gRPC message, one Redis
   * append and one acknowledgement per line. Waiting up to the linger gathers many lines in a
   * chunk (up to {@code chunkBytes}, sent at once when full) and delays a line by at most that.
   */
  public record Settings(int chunkBytes, long windowBytes, Duration linger, Duration retryMin, Duration retryMax) {
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(25);
    public static final Settings DEFAULT =
        new Settings(64 * 1024, 4L << 20, DEFAULT_LINGER, Duration.ofMillis(100), Duration.ofSeconds(5));

    public Settings {
      if (chunkBytes <= 0 || windowBytes < chunkBytes || linger.isNegative()) {
        throw new IllegalArgumentException("chunkBytes must be positive, windowBytes at least chunkBytes, linger not negative");
      }
    }

    /** Settings with the default linger. */
    public Settings(int chunkBytes, long windowBytes, Duration retryMin, Duration retryMax) {
      this(chunkBytes, windowBytes, DEFAULT_LINGER, retryMin, retryMax);
    }
  }

  private final RunnerGrpc.RunnerStub stub;
  private final List<String> maskValues;
  private final Path spoolDir;
  private final Settings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<Integer, StepSpool> steps = new TreeMap<>();
  private final Thread sender;
  private volatile boolean closed;
  private volatile Throwable streamError;
  private volatile int reconnects;
  /**
   * Set while the sender may be about to wait for output, before it looks for any: a write signals
   * only then, so a step writing line by line does not take the sender's lock for every line.
   */
  private volatile boolean senderWaiting = true;
  /** Which stream is current; callbacks of an older, broken stream are ignored. */
  private int generation;

  public LogStreamer(RunnerGrpc.RunnerStub stub, List<String> maskValues, Path spoolDir, Settings settings) {
    this.stub = stub;
    this.maskValues = List.copyOf(maskValues);
    this.spoolDir = spoolDir;
    this.settings = settings;
    try {
      Files.createDirectories(spoolDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.sender = Thread.ofPlatform().daemon().name("circlet-log-streamer").start(this::run);
  }

  /** Appends a step's output; never blocks on the network. */
  public void write(int step, byte[] b, int off, int len) {
    StepSpool s;
    lock.lock();
    try {
      s = steps.computeIfAbsent(step, n -> new StepSpool(n, spoolDir.resolve("step-" + n + ".out")));
    } finally {
      lock.unlock();
    }
    long written = s.append(b, off, len);
    if (senderWaiting || written >= s.wakeAt) {
      signal();
    }
  }

  /** The step produced its last byte. */
  public void end(int step) {
    lock.lock();
    try {
      steps.computeIfAbsent(step, n -> new StepSpool(n, spoolDir.resolve("step-" + n + ".out"))).end();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The gateway's durable offset of a step, as last acknowledged. */
  public long acked(int step) {
    lock.lock();
    try {
      StepSpool s = steps.get(step);
      return s == null ? 0 : s.acked;
    } finally {
      lock.unlock();
    }
  }

  /** How many times a broken stream was opened again. */
  public int reconnects() {
    return reconnects;
  }

  /** Waits until every ended step is durable in the gateway; false when the time ran out. */
  public boolean awaitDurable(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!steps.values().stream().allMatch(s -> s.ackedEnded || !s.ended())) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    long pause = settings.retryMin().toMillis();
    while (!closed) {
      try {
        if (session()) {
          pause = settings.retryMin().toMillis();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        streamError = e;
      }
      if (closed) {
        return;
      }
      reconnects++;
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        return;
      }
      pause = Math.min(settings.retryMax().toMillis(), pause * 2);
    }
  }

  /** One stream, until it breaks or the streamer closes; true when it made progress. */
  private boolean session() throws InterruptedException {
    awaitWork();
    if (closed) {
      return true;
    }
    int gen;
    lock.lock();
    try {
      streamError = null;
      gen = ++generation;
    } finally {
      lock.unlock();
    }
    boolean[] progress = {false};
    StreamObserver<LogFrame> out = stub.streamLogs(new StreamObserver<>() {
      @Override
      public void onNext(LogAck a) {
        progress[0] = true;
        onAck(gen, a);
      }

      @Override
      public void onError(Throwable t) {
        fail(gen, t);
      }

      @Override
      public void onCompleted() {
        fail(gen, new IllegalStateException("the gateway ended the log stream"));
      }
    });
    try {
      out.onNext(LogFrame.newBuilder().setOpen(StreamOpen.newBuilder().addAllMaskValues(maskValues)).build());
      lock.lock();
      try {
        for (StepSpool s : steps.values()) {
          if (!s.ackedEnded) {
            s.awaitingResume = true;
            s.endSent = false;
            out.onNext(LogFrame.newBuilder().setResume(Resume.newBuilder().setStep(s.step)).build());
          }
        }
      } finally {
        lock.unlock();
      }
      while (!closed) {
        LogFrame next = nextFrame();
        if (next == null) {
          continue;
        }
        out.onNext(next);
      }
      out.onCompleted();
      return progress[0];
    } catch (StreamBroken e) {
      out.onError(e);
      return progress[0];
    }
  }

  private void awaitWork() throws InterruptedException {
    lock.lock();
    try {
      senderWaiting = true;
      while (!closed && steps.values().stream().allMatch(s -> s.ackedEnded)) {
        changed.await(1, TimeUnit.SECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  private static final class StreamBroken extends RuntimeException {
    StreamBroken(Throwable cause) {
      super(cause);
    }
  }

  /**
   * The next frame to send, or null after waiting a while for data, a fuller chunk or
   * acknowledgements. Output shorter than a chunk is held for up to the linger (from when the
   * sender first saw it) unless its step ended; a write wakes the sender early only once a full
   * chunk is there ({@code wakeAt}) or when the sender had nothing at all to send.
   */
  private LogFrame nextFrame() throws InterruptedException {
    lock.lock();
    try {
      // before looking at the spools: a write that lands after the look sees the flag and signals
      senderWaiting = true;
      if (streamError != null) {
        throw new StreamBroken(streamError);
      }
      long inFlight = 0;
      for (StepSpool s : steps.values()) {
        if (!s.awaitingResume) {
          inFlight += s.sendOffset - s.acked;
        }
      }
      long now = System.nanoTime();
      long lingerNanos = settings.linger().toNanos();
      long waitNanos = TimeUnit.MILLISECONDS.toNanos(200);
      boolean lingering = false;
      for (StepSpool s : steps.values()) {
        if (s.awaitingResume || s.ackedEnded) {
          continue;
        }
        // ended first: once it is true, written is final (an end sent with a stale length would lose bytes)
        boolean ended = s.ended();
        long written = s.written();
        long unsent = written - s.sendOffset;
        if (unsent > 0) {
          if (unsent < settings.chunkBytes() && !ended) {
            if (s.lingerSince == 0) {
              s.lingerSince = now;
            }
            long left = s.lingerSince + lingerNanos - now;
            if (left > 0) {
              // a short chunk: wait for more lines, or for the linger to run out
              lingering = true;
              s.wakeAt = s.sendOffset + settings.chunkBytes();
              waitNanos = Math.min(waitNanos, left);
              continue;
            }
          }
          if (inFlight >= settings.windowBytes()) {
            // the window is full: an acknowledgement wakes the sender
            lingering = true;
            continue;
          }
          byte[] data = s.read(s.sendOffset, settings.chunkBytes());
          LogFrame f = LogFrame.newBuilder().setChunk(LogChunk.newBuilder().setStep(s.step)
              .setOffset(s.sendOffset).setData(UnsafeByteOperations.unsafeWrap(data))).build();
          s.sendOffset += data.length;
          s.lingerSince = 0;
          s.wakeAt = Long.MAX_VALUE;
          senderWaiting = false;
          return f;
        }
        if (ended && !s.endSent) {
          s.endSent = true;
          senderWaiting = false;
          return LogFrame.newBuilder().setEnd(StepOutputEnd.newBuilder().setStep(s.step)
              .setLength(written)).build();
        }
      }
      if (lingering) {
        // output is waiting: writes wake the sender only when a chunk is full (wakeAt), not per line
        senderWaiting = false;
      }
      changed.awaitNanos(waitNanos);
      return null;
    } finally {
      lock.unlock();
    }
  }

  private void onAck(int gen, LogAck a) {
    lock.lock();
    try {
      StepSpool s = steps.get(a.getStep());
      if (s == null || gen != generation) {
        return;
      }
      if (s.awaitingResume) {
        s.awaitingResume = false;
        s.sendOffset = a.getDurableOffset();
      }
      s.acked = Math.max(s.acked, a.getDurableOffset());
      s.capped |= a.getCapped();
      s.ackedEnded |= a.getEnded();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void fail(int gen, Throwable t) {
    lock.lock();
    try {
      if (gen != generation) {
        return;
      }
      streamError = t;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    signal();
    sender.join(TimeUnit.SECONDS.toMillis(10));
    lock.lock();
    try {
      steps.values().forEach(StepSpool::close);
    } finally {
      lock.unlock();
    }
  }
}
