package dev.circlet.runner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.proto.runner.v1.RunnerGrpc;
import dev.circlet.proto.runner.v1.StepEvent;
import dev.circlet.proto.runner.v1.StepEventAck;
import dev.circlet.runner.JobLog;
import dev.circlet.runner.StepResult;
import dev.circlet.runner.mask.MaskingLineWriter;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Step events reach the gateway over a real gRPC connection even when it was briefly unavailable or
 * missed a deadline (sent again, like test reports); a refused event is sent once and the job is
 * told why, never failed.
 */
class StepEventReportTest {
  @ParameterizedTest
  @EnumSource(value = Status.Code.class, names = {"UNAVAILABLE", "DEADLINE_EXCEEDED", "ABORTED"})
  void aStepEventIsSentAgainAfterATransientFailure(Status.Code code) throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    AtomicInteger calls = new AtomicInteger();
    List<StepEvent> received = new CopyOnWriteArrayList<>();
    List<String> notices = new CopyOnWriteArrayList<>();
    withGateway(failuresLeft, Status.fromCode(code), calls, received,
        stub -> new StreamingJobLog(console(notices), null, stub).stepStarted(2, "build"));
    assertThat(calls.get()).isEqualTo(3);
    assertThat(received).singleElement().satisfies(e -> {
      assertThat(e.getStep()).isEqualTo(2);
      assertThat(e.getName()).isEqualTo("build");
      assertThat(e.getKind()).isEqualTo(StepEvent.Kind.STARTED);
    });
    assertThat(notices).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = Status.Code.class, names = {"INVALID_ARGUMENT", "PERMISSION_DENIED", "UNAUTHENTICATED"})
  void aRefusedStepEventIsSentOnceAndTheJobIsToldWhy(Status.Code code) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<StepEvent> received = new CopyOnWriteArrayList<>();
    List<String> notices = new CopyOnWriteArrayList<>();
    withGateway(new AtomicInteger(Integer.MAX_VALUE), Status.fromCode(code), calls, received,
        stub -> new StreamingJobLog(console(notices), null, stub).stepStarted(1, "test"));
    assertThat(calls.get()).as("one attempt only").isEqualTo(1);
    assertThat(received).isEmpty();
    assertThat(notices).singleElement().asString().contains("could not report the step", code.name());
  }

  @ParameterizedTest
  @EnumSource(value = Status.Code.class, names = {"UNAVAILABLE"})
  void aGatewayThatStaysUnavailableCostsANoticeAfterFourAttempts(Status.Code code) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<StepEvent> received = new CopyOnWriteArrayList<>();
    List<String> notices = new CopyOnWriteArrayList<>();
    withGateway(new AtomicInteger(Integer.MAX_VALUE), Status.fromCode(code), calls, received,
        stub -> new StreamingJobLog(console(notices), null, stub).stepStarted(1, "test"));
    assertThat(calls.get()).isEqualTo(StreamingJobLog.ATTEMPTS);
    assertThat(notices).singleElement().asString().contains("UNAVAILABLE");
  }

  interface WithStub {
    void run(RunnerGrpc.RunnerBlockingStub stub) throws Exception;
  }

  private static void withGateway(AtomicInteger failuresLeft, Status failure, AtomicInteger calls,
      List<StepEvent> received, WithStub body) throws Exception {
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new RunnerGrpc.RunnerImplBase() {
          @Override
          public void reportStep(StepEvent request, StreamObserver<StepEventAck> out) {
            calls.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
              out.onError(failure.withDescription("try again").asRuntimeException());
              return;
            }
            received.add(request);
            out.onNext(StepEventAck.getDefaultInstance());
            out.onCompleted();
          }
        }).build().start();
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(),
        InsecureChannelCredentials.create()).build();
    try {
      body.run(RunnerGrpc.newBlockingStub(channel));
    } finally {
      channel.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  private static JobLog console(List<String> notices) {
    return new JobLog() {
      @Override
      public void stepStarted(int n, String step) {
      }

      @Override
      public MaskingLineWriter.LineSink lines(int n, String step) {
        return (b, off, len) -> { };
      }

      @Override
      public void notice(String step, String message) {
        notices.add(message);
      }

      @Override
      public void stepFinished(StepResult result) {
      }
    };
  }
}
