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
 * output waits in the spool and step events are reported on a best-effort basis.
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
    streamer.end(r.n());
    report(StepEvent.newBuilder().setStep(r.n()).setName(r.name()).setKind(StepEvent.Kind.FINISHED)
        .setExitCode(r.exitCode()).setDurationMillis(r.millis()).setStatus(r.status())
        .setAtMillis(System.currentTimeMillis()).build());
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
    for (int attempt = 1; ; attempt++) {
      try {
        events.withDeadlineAfter(30, TimeUnit.SECONDS).uploadTestResults(upload);
        return;
      } catch (io.grpc.StatusRuntimeException ex) {
        io.grpc.Status.Code code = ex.getStatus().getCode();
        boolean transientFailure = code == io.grpc.Status.Code.UNAVAILABLE
            || code == io.grpc.Status.Code.DEADLINE_EXCEEDED || code == io.grpc.Status.Code.ABORTED;
        if (!transientFailure || attempt >= 4) {
          console.notice(stepName(n), "could not send the test report " + path + " to the gateway: " + ex.getStatus());
          return;
        }
        try {
          Thread.sleep(1_000L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private String stepName(int n) {
    return stepIndex.entrySet().stream().filter(e -> e.getValue() == n).map(java.util.Map.Entry::getKey)
        .findFirst().orElse("step " + n);
  }

  private void report(StepEvent e) {
    try {
      events.withDeadlineAfter(10, TimeUnit.SECONDS).reportStep(e);
    } catch (io.grpc.StatusRuntimeException ex) {
      console.notice(e.getName(), "could not report the step to the gateway: " + ex.getStatus());
    }
  }
}
