package dev.circlet.gateway.runner;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Puts runner authentication in front of every gRPC call the gateway serves; the lookups run on
 * Quarkus' worker pool, off the event loop that delivers the call.
 */
@ApplicationScoped
@GlobalInterceptor
public class RunnerAuthGrpcInterceptor implements ServerInterceptor {
  private final RunnerAuthInterceptor delegate;

  public RunnerAuthGrpcInterceptor(KubernetesRunnerAuthenticator authenticator) {
    this.delegate = new RunnerAuthInterceptor(authenticator, Infrastructure.getDefaultWorkerPool());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return delegate.interceptCall(call, headers, next);
  }
}
