package dev.circlet.gateway.runner;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Puts runner authentication in front of every gRPC call the gateway serves. Interceptors run on
 * the HTTP server's event loop, and authentication asks the Kubernetes API (whose client shares
 * that event loop), so the interceptor only hands the headers on and the service authenticates
 * on its worker thread before it does anything.
 */
@ApplicationScoped
@GlobalInterceptor
public class RunnerAuthGrpcInterceptor implements ServerInterceptor {
  private final KubernetesRunnerAuthenticator authenticator;

  public RunnerAuthGrpcInterceptor(KubernetesRunnerAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return Contexts.interceptCall(Context.current().withValue(RunnerAuthInterceptor.DEFERRED,
        new RunnerAuthInterceptor.Deferred(authenticator, headers)), call, headers, next);
  }
}
