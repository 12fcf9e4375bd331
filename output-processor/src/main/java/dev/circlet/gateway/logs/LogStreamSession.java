package dev.circlet.gateway.logs;

import dev.circlet.proto.runner.v1.LogAck;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One runner log stream of one Build: turns chunks into durable appends and answers with the
 * offsets that are durable. Each step's {@link StepOutput} is loaded from the hot buffer on first
 * use, so a stream resumed on another gateway replica, or after this one restarted, continues
 * from what is durable. When another stream moved a step meanwhile, the append is refused and
 * this stream fails; the runner resumes and reads the durable offset again.
 */
public final class LogStreamSession {
  /** The hot buffer was full for longer than the wait allows (object storage down too long). */
  public static final class BufferFullException extends RuntimeException {
    BufferFullException(String message) {
      super(message);
    }
  }

  private final HotBuffer hot;
  private final String namespace;
  private final String build;
  private final MaskPatterns patterns;
  private final long cap;
  private final Duration fullWait;
  private final Map<Integer, StepOutput> steps = new HashMap<>();

  public LogStreamSession(HotBuffer hot, String namespace, String build, MaskPatterns patterns, long cap,
      Duration fullWait) {
    this.hot = hot;
    this.namespace = namespace;
    this.build = build;
    this.patterns = patterns;
    this.cap = cap;
    this.fullWait = fullWait;
  }

  private StepKey key(int step) {
    return new StepKey(namespace, build, step);
  }

  private StepOutput load(int step) {
    StepState s = hot.state(key(step));
    StepOutput o = new StepOutput(patterns, cap, s.consumed(), s.stored(), s.capped(), s.ended());
    steps.put(step, o);
    return o;
  }

  /** The durable offset of a step, read again from the hot buffer. */
  public LogAck resume(int step) {
    StepOutput o = load(step);
    return ack(step, o.consumed(), o.capped(), o.ended());
  }

  public LogAck chunk(int step, long offset, byte[] data) throws InterruptedException {
    StepOutput o = steps.get(step);
    if (o == null) {
      o = load(step);
    }
    long before = o.consumed();
    StepOutput.Append a = o.accept(offset, data);
    if (a.consumedAfter() != before) {
      write(step, before, a);
    }
    return ack(step, a.consumedAfter(), a.capped(), false);
  }

  public LogAck end(int step, long length) throws InterruptedException {
    StepOutput o = steps.get(step);
    if (o == null) {
      o = load(step);
    }
    if (o.ended()) {
      return ack(step, o.consumed(), o.capped(), true);
    }
    long before = o.consumed();
    write(step, before, o.end(length));
    return ack(step, o.consumed(), o.capped(), true);
  }

  private void write(int step, long before, StepOutput.Append a) throws InterruptedException {
    long deadline = System.nanoTime() + fullWait.toNanos();
    long pause = 20;
    while (true) {
      HotBuffer.AppendResult r = hot.append(key(step), before, a);
      switch (r) {
        case APPLIED:
          return;
        case STALE:
          steps.remove(step);
          throw new LogProtocolException("step " + step + " was written by another stream; resume");
        case FULL:
          if (System.nanoTime() > deadline) {
            steps.remove(step);
            throw new BufferFullException("the hot buffer of step " + step + " is full; object storage is behind");
          }
          // backpressure: the runner's stream waits while the uploader drains the buffer
          Thread.sleep(pause);
          pause = Math.min(500, pause * 2);
          break;
        default:
          throw new IllegalStateException(r.name());
      }
    }
  }

  private static LogAck ack(int step, long offset, boolean capped, boolean ended) {
    return LogAck.newBuilder().setStep(step).setDurableOffset(offset).setCapped(capped).setEnded(ended).build();
  }
}
