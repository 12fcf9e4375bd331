package dev.circlet.gateway.runner;

import dev.circlet.proto.runner.v1.LogChunk;
import dev.circlet.proto.runner.v1.LogFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decouples a log stream's receiving from its durable appends. Frames are queued as they arrive
 * (up to {@code maxQueuedBytes}; past it the receiving thread waits, which is gRPC's flow control
 * pushing back on the runner), and one drain thread per stream handles them in order. Chunks of
 * the same step that arrived while the previous append waited for Redis' fsync follow each other
 * exactly, so they are merged into one chunk (up to {@code maxMergeBytes}): one append and one
 * acknowledgement for all of them. The runner treats acknowledgements as "every byte before this
 * offset is durable", so one for a merged chunk means the same as one for each.
 */
final class LogStreamPipeline {
  /** What the drain does with each frame (merged chunks included), in order; it may throw to stop. */
  interface Handler {
    void frame(LogFrame f) throws Exception;

    /** The runner ended the stream and every frame before was handled. */
    void completed();
  }

  /** Queued after the last frame when the runner ended the stream. */
  private static final Object COMPLETED = new Object();

  private final Handler handler;
  private final Consumer<Throwable> onFailure;
  private final long maxQueuedBytes;
  private final int maxMergeBytes;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean draining;
  private boolean stopped;

  LogStreamPipeline(Handler handler, Consumer<Throwable> onFailure, long maxQueuedBytes, int maxMergeBytes) {
    this.handler = handler;
    this.onFailure = onFailure;
    this.maxQueuedBytes = maxQueuedBytes;
    this.maxMergeBytes = maxMergeBytes;
  }

  /** Queues a frame; waits while the queue is full. */
  void offer(LogFrame f) throws InterruptedException {
    enqueue(f, f.getChunk().getData().size());
  }

  /** The runner ended the stream: {@link Handler#completed} runs after the frames queued before. */
  void complete() throws InterruptedException {
    enqueue(COMPLETED, 0);
  }

  /** The stream broke: frames still queued are dropped. */
  synchronized void cancel() {
    stopped = true;
    queue.clear();
    queuedBytes = 0;
    notifyAll();
  }

  private void enqueue(Object f, int size) throws InterruptedException {
    boolean start;
    synchronized (this) {
      while (!stopped && queuedBytes > 0 && queuedBytes + size > maxQueuedBytes) {
        wait();
      }
      if (stopped) {
        return;
      }
      queue.add(f);
      queuedBytes += size;
      start = !draining;
      draining = true;
    }
    if (start) {
      Thread.ofVirtual().name("circlet-log-stream").start(this::drain);
    }
  }

  private void drain() {
    while (true) {
      List<Object> batch;
      synchronized (this) {
        if (stopped || queue.isEmpty()) {
          draining = false;
          return;
        }
        batch = new ArrayList<>(queue);
        queue.clear();
      }
      try {
        List<LogFrame> frames = new ArrayList<>(batch.size());
        for (Object o : batch) {
          if (o == COMPLETED) {
            for (LogFrame f : merge(frames, maxMergeBytes)) {
              handler.frame(f);
            }
            frames.clear();
            handler.completed();
          } else {
            frames.add((LogFrame) o);
          }
        }
        for (LogFrame f : merge(frames, maxMergeBytes)) {
          handler.frame(f);
        }
      } catch (Throwable t) {
        cancel();
        onFailure.accept(t);
        synchronized (this) {
          draining = false;
        }
        return;
      } finally {
        long done = 0;
        for (Object o : batch) {
          if (o instanceof LogFrame f) {
            done += f.getChunk().getData().size();
          }
        }
        synchronized (this) {
          queuedBytes = Math.max(0, queuedBytes - done);
          notifyAll();
        }
      }
    }
  }

  /**
   * Frames in order, where each run of chunks of one step that follow each other exactly (each
   * starting where the previous ended) becomes one chunk of at most {@code maxBytes} (a chunk
   * larger than that alone stays as it is).
   */
  static List<LogFrame> merge(List<LogFrame> frames, int maxBytes) {
    List<LogFrame> out = new ArrayList<>(frames.size());
    LogChunk.Builder run = null;
    for (LogFrame f : frames) {
      if (f.hasChunk() && run != null && f.getChunk().getStep() == run.getStep()
          && f.getChunk().getOffset() == run.getOffset() + run.getData().size()
          && run.getData().size() + f.getChunk().getData().size() <= maxBytes) {
        run.setData(run.getData().concat(f.getChunk().getData()));
        continue;
      }
      if (run != null) {
        out.add(LogFrame.newBuilder().setChunk(run).build());
        run = null;
      }
      if (f.hasChunk()) {
        run = f.getChunk().toBuilder();
      } else {
        out.add(f);
      }
    }
    if (run != null) {
      out.add(LogFrame.newBuilder().setChunk(run).build());
    }
    return out;
  }
}
