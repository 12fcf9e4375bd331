package dev.circlet.gateway.runner;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusException;

/** Authenticates every runner call before the service sees it, and hands the identity on. */
public final class RunnerAuthInterceptor implements ServerInterceptor {
  /** The authenticated runner of the current call. */
  public static final Context.Key<RunnerIdentity> IDENTITY = Context.key("circlet-runner");
  /**
   * The call's headers and the authenticator, for servers whose interceptors run on an event loop
   * that must not wait for the Kubernetes API: the service authenticates on its worker thread.
   */
  public static final Context.Key<Deferred> DEFERRED = Context.key("circlet-runner-deferred");

  /** Authentication still to do for the current call. */
  public record Deferred(RunnerAuthenticator authenticator, Metadata headers) {
    public RunnerIdentity authenticate() {
      try {
        return authenticator.authenticate(headers);
      } catch (StatusException e) {
        throw e.getStatus().asRuntimeException();
      }
    }
  }

  private final RunnerAuthenticator authenticator;

  public RunnerAuthInterceptor(RunnerAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    RunnerIdentity id;
    try {
      id = authenticator.authenticate(headers);
    } catch (StatusException e) {
      call.close(e.getStatus(), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(IDENTITY, id), call, headers, next);
  }
}
