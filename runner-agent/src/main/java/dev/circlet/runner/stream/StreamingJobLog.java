package dev.circlet.runner.stream;

import dev.circlet.proto.runner.v1.RunnerGrpc;
import dev.circlet.proto.runner.v1.StepEvent;
import dev.circlet.proto.runner.v1.TestResults;
import dev.circlet.runner.JobLog;
import dev.circlet.runner.StepResult;
import dev.circlet.runner.mask.MaskingLineWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A {@link JobLog} that also sends every step's lines, the agent's notices and step events to the
 * gateway, besides the pod's own console. A gateway that cannot be reached never fails the job:
 * output waits in the spool, and step events and test reports are sent again a few times when the
 * gateway is unavailable or misses a deadline.
 */
public final class StreamingJobLog implements JobLog {
  private final JobLog console;
  private final LogStreamer streamer;
  private final RunnerGrpc.RunnerBlockingStub events;
  private final java.util.Map<String, Integer> stepIndex = new java.util.concurrent.ConcurrentHashMap<>();

  public StreamingJobLog(JobLog console, LogStreamer streamer, RunnerGrpc.RunnerBlockingStub events) {
    this.console = console;
    this.streamer = streamer;
    this.events = events;
  }

  @Override
  public void stepStarted(int n, String step) {
    stepIndex.put(step, n);
    console.stepStarted(n, step);
    report(StepEvent.newBuilder().setStep(n).setName(step).setKind(StepEvent.Kind.STARTED)
        .setAtMillis(System.currentTimeMillis()).build());
  }

  @Override
  public MaskingLineWriter.LineSink lines(int n, String step) {
    MaskingLineWriter.LineSink local = console.lines(n, step);
    return (b, off, len) -> {
      local.line(b, off, len);
      byte[] line = new byte[len + 1];
      System.arraycopy(b, off, line, 0, len);
      line[len] = '\n';
      streamer.write(n, line, 0, line.length);
    };
  }

  @Override
  public void notice(String step, String message) {
    console.notice(step, message);
    Integer n = stepIndex.get(step);
    if (n != null) {
      byte[] b = ("[circlet] " + message + "\n").getBytes(StandardCharsets.UTF_8);
      streamer.write(n, b, 0, b.length);
    }
  }

  @Override
  public void stepFinished(StepResult r) {
    console.stepFinished(r);
    // the event first: the gateway then knows the step's status (success, canceled, ...) before
    // its output ends, so a live tail's end carries it
    report(StepEvent.newBuilder().setStep(r.n()).setName(r.name()).setKind(StepEvent.Kind.FINISHED)
        .setExitCode(r.exitCode()).setDurationMillis(r.millis()).setStatus(r.status())
        .setAtMillis(System.currentTimeMillis()).build());
    streamer.end(r.n());
  }

  /**
   * Sends a report to the gateway, which keeps its test cases in the build's history; tried a few
   * times, since a busy gateway may miss one deadline. The report is in the job's own storage
   * either way, so a gateway that stays unreachable costs the history its cases, never the job.
   */
  @Override
  public void testReport(int n, String path, byte[] xml) {
    console.testReport(n, path, xml);
    TestResults upload = TestResults.newBuilder().setStep(n).setPath(path)
        .setContent(com.google.protobuf.ByteString.copyFrom(xml)).build();
    io.grpc.Status failed = withRetries(() -> events.withDeadlineAfter(30, TimeUnit.SECONDS).uploadTestResults(upload));
    if (failed != null) {
      console.notice(stepName(n), "could not send the test report " + path + " to the gateway: " + failed);
    }
  }

  /** How many times a call to the gateway is tried when it is unavailable or misses its deadline. */
  static final int ATTEMPTS = 4;
  /** Pause before the second attempt; the n-th waits n times this. */
  static final long RETRY_PAUSE_MILLIS = 1_000;

  /**
   * Runs a unary call, again after {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED} or {@code ABORTED}
   * (a restarting or busy gateway), up to {@link #ATTEMPTS} times; the gateway's handlers are
   * idempotent. Returns null when it succeeded, else the last status (a refusal is not retried).
   */
  private static io.grpc.Status withRetries(Runnable call) {
    for (int attempt = 1; ; attempt++) {
      try {
        call.run();
        return null;
      } catch (io.grpc.StatusRuntimeException ex) {
        io.grpc.Status.Code code = ex.getStatus().getCode();
        boolean transientFailure = code == io.grpc.Status.Code.UNAVAILABLE
            || code == io.grpc.Status.Code.DEADLINE_EXCEEDED || code == io.grpc.Status.Code.ABORTED;
        if (!transientFailure || attempt >= ATTEMPTS) {
          return ex.getStatus();
        }
        try {
          Thread.sleep(RETRY_PAUSE_MILLIS * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return ex.getStatus();
        }
      }
    }
  }

  private String stepName(int n) {
    return stepIndex.entrySet().stream().filter(e -> e.getValue() == n).map(java.util.Map.Entry::getKey)
        .findFirst().orElse("step " + n);
  }

  /**
   * Reports a step event, tried again like a test report when the gateway is unavailable or slow
   * (the gateway's upsert makes a repeated event harmless); a job never fails for it.
   */
  private void report(StepEvent e) {
    io.grpc.Status failed = withRetries(() -> events.withDeadlineAfter(10, TimeUnit.SECONDS).reportStep(e));
    if (failed != null) {
      console.notice(e.getName(), "could not report the step to the gateway: " + failed);
    }
  }
}
