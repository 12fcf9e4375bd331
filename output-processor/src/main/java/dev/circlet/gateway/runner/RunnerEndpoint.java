package dev.circlet.gateway.runner;

import dev.circlet.gateway.logs.OutputProcessor;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** The runner API served by the Quarkus gRPC server (blocking: appends wait for Redis' fsync). */
@GrpcService
@Blocking
public class RunnerEndpoint extends RunnerGrpcService {
  public RunnerEndpoint(OutputProcessor processor, Settings settings) {
    super(processor.hot(), processor.store(), processor.events(), settings);
  }
}
