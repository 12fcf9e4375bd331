package dev.circlet.gateway.runner;

import dev.circlet.gateway.logs.OutputProcessor;
import dev.circlet.gateway.records.BuildRecords;
import dev.circlet.proto.runner.v1.ListObjectsRequest;
import dev.circlet.proto.runner.v1.ListObjectsResponse;
import dev.circlet.proto.runner.v1.LogAck;
import dev.circlet.proto.runner.v1.LogFrame;
import dev.circlet.proto.runner.v1.OpenSessionRequest;
import dev.circlet.proto.runner.v1.OpenSessionResponse;
import dev.circlet.proto.runner.v1.StepEvent;
import dev.circlet.proto.runner.v1.StepEventAck;
import dev.circlet.proto.runner.v1.TestResults;
import dev.circlet.proto.runner.v1.TestResultsAck;
import dev.circlet.proto.runner.v1.TransferGrant;
import dev.circlet.proto.runner.v1.TransferRequest;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/**
 * The runner API served by the gateway's gRPC server. Every method is declared here with
 * {@code @Blocking} (the server looks at this class's own methods): they authenticate against the
 * Kubernetes API and wait for Redis' fsync and PostgreSQL, never on the event loop.
 */
@GrpcService
public class RunnerEndpoint extends RunnerGrpcService {
  public RunnerEndpoint(OutputProcessor processor, BuildRecords records, Settings settings) {
    super(processor.hot(), processor.store(), records, settings);
  }

  @Override
  @Blocking
  public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> out) {
    super.openSession(request, out);
  }

  @Override
  @Blocking
  public StreamObserver<LogFrame> streamLogs(StreamObserver<LogAck> out) {
    return super.streamLogs(out);
  }

  @Override
  @Blocking
  public void reportStep(StepEvent request, StreamObserver<StepEventAck> out) {
    super.reportStep(request, out);
  }

  @Override
  @Blocking
  public void uploadTestResults(TestResults request, StreamObserver<TestResultsAck> out) {
    super.uploadTestResults(request, out);
  }

  @Override
  @Blocking
  public void requestTransfer(TransferRequest request, StreamObserver<TransferGrant> out) {
    super.requestTransfer(request, out);
  }

  @Override
  @Blocking
  public void listObjects(ListObjectsRequest request, StreamObserver<ListObjectsResponse> out) {
    super.listObjects(request, out);
  }
}
