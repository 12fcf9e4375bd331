package dev.circlet.gateway.runner;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Puts runner authentication in front of every gRPC call the gateway serves. */
@ApplicationScoped
@GlobalInterceptor
public class RunnerAuthGrpcInterceptor implements ServerInterceptor {
  private final RunnerAuthInterceptor delegate;

  public RunnerAuthGrpcInterceptor(KubernetesRunnerAuthenticator authenticator) {
    this.delegate = new RunnerAuthInterceptor(authenticator);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return delegate.interceptCall(call, headers, next);
  }
}
