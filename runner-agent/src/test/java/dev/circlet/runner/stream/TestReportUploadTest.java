package dev.circlet.runner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.proto.runner.v1.RunnerGrpc;
import dev.circlet.proto.runner.v1.TestResults;
import dev.circlet.proto.runner.v1.TestResultsAck;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A store_test_results report goes to the gateway (which keeps its cases in the build's history)
 * over a real gRPC connection: sent again after a gateway that was briefly unavailable, given up
 * with a notice, never a failed job, when the gateway refuses it.
 */
class TestReportUploadTest {
  static final String XML = "<testsuite><testcase classname=\"a\" name=\"b\"/></testsuite>";

  @Test
  void aReportIsSentAgainAfterAnUnavailableGateway() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    List<TestResults> received = new CopyOnWriteArrayList<>();
    List<String> notices = new CopyOnWriteArrayList<>();
    withGateway(failuresLeft, Status.UNAVAILABLE, received, stub -> {
      new StreamingJobLog(console(notices), null, stub).testReport(3, "junit/a.xml", XML.getBytes(StandardCharsets.UTF_8));
    });
    assertThat(received).hasSize(1);
    assertThat(received.get(0).getStep()).isEqualTo(3);
    assertThat(received.get(0).getPath()).isEqualTo("junit/a.xml");
    assertThat(received.get(0).getContent().toStringUtf8()).isEqualTo(XML);
    assertThat(notices).isEmpty();
  }

  @Test
  void aRefusedReportIsNotSentAgainAndTheJobIsToldWhy() throws Exception {
    List<TestResults> received = new CopyOnWriteArrayList<>();
    List<String> notices = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger(Integer.MAX_VALUE);
    withGateway(calls, Status.INVALID_ARGUMENT, received, stub -> {
      new StreamingJobLog(console(notices), null, stub).testReport(1, "bad.xml", "<x".getBytes(StandardCharsets.UTF_8));
    });
    assertThat(received).isEmpty();
    assertThat(calls.get()).as("one attempt only").isEqualTo(Integer.MAX_VALUE - 1);
    assertThat(notices).singleElement().asString().contains("bad.xml", "INVALID_ARGUMENT");
  }

  interface WithStub {
    void run(RunnerGrpc.RunnerBlockingStub stub) throws Exception;
  }

  private static void withGateway(AtomicInteger failuresLeft, Status failure, List<TestResults> received,
      WithStub body) throws Exception {
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new RunnerGrpc.RunnerImplBase() {
          @Override
          public void uploadTestResults(TestResults request, StreamObserver<TestResultsAck> out) {
            if (failuresLeft.getAndDecrement() > 0) {
              out.onError(failure.withDescription("try again").asRuntimeException());
              return;
            }
            received.add(request);
            out.onNext(TestResultsAck.newBuilder().setCases(1).build());
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
