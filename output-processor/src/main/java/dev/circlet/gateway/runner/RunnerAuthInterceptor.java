package dev.circlet.gateway.runner;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Authenticates every runner call before the service sees it, and hands the identity on.
 *
 * <p>Authentication may call the Kubernetes API (TokenReview, the Build's Secret), so it runs on
 * {@code executor}, never on the thread that delivers the call: in the gateway that thread is a
 * Vert.x event loop, which the Kubernetes client itself needs to receive its answer, so a
 * blocking lookup there never returns. Events of the call that arrive meanwhile (half-close,
 * cancel, ready) wait in order and are handed to the service once the call is authenticated.
 */
public final class RunnerAuthInterceptor implements ServerInterceptor {
  /** The authenticated runner of the current call. */
  public static final Context.Key<RunnerIdentity> IDENTITY = Context.key("circlet-runner");

  private final RunnerAuthenticator authenticator;
  private final Executor executor;

  /** Authenticates on the calling thread (servers whose calls already arrive on worker threads). */
  public RunnerAuthInterceptor(RunnerAuthenticator authenticator) {
    this(authenticator, Runnable::run);
  }

  public RunnerAuthInterceptor(RunnerAuthenticator authenticator, Executor executor) {
    this.authenticator = authenticator;
    this.executor = executor;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Deferred<Q> deferred = new Deferred<>();
    Context context = Context.current();
    try {
      executor.execute(() -> deferred.start(() -> {
        RunnerIdentity id;
        try {
          id = authenticator.authenticate(headers);
        } catch (StatusException e) {
          call.close(e.getStatus(), new Metadata());
          return new ServerCall.Listener<>() {};
        } catch (RuntimeException e) {
          call.close(Status.UNAVAILABLE.withDescription("runner authentication failed: " + e.getMessage())
              .withCause(e), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(context.withValue(IDENTITY, id), call, headers, next);
      }));
    } catch (RejectedExecutionException e) {
      call.close(Status.UNAVAILABLE.withDescription("the gateway is shutting down"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return deferred;
  }

  /** A listener that queues the call's events until the real listener exists, then replays them in order. */
  static final class Deferred<Q> extends ServerCall.Listener<Q> {
    private final ArrayDeque<Consumer<ServerCall.Listener<Q>>> pending = new ArrayDeque<>();
    private ServerCall.Listener<Q> delegate;

    /** Creates the real listener (authentication and the service's startCall) and replays what waited. */
    void start(java.util.function.Supplier<ServerCall.Listener<Q>> create) {
      ServerCall.Listener<Q> real = create.get();
      synchronized (this) {
        while (!pending.isEmpty()) {
          pending.poll().accept(real);
        }
        delegate = real;
      }
    }

    private synchronized void deliver(Consumer<ServerCall.Listener<Q>> event) {
      if (delegate != null) {
        event.accept(delegate);
      } else {
        pending.add(event);
      }
    }

    @Override
    public void onMessage(Q message) {
      deliver(l -> l.onMessage(message));
    }

    @Override
    public void onHalfClose() {
      deliver(ServerCall.Listener::onHalfClose);
    }

    @Override
    public void onCancel() {
      deliver(ServerCall.Listener::onCancel);
    }

    @Override
    public void onComplete() {
      deliver(ServerCall.Listener::onComplete);
    }

    @Override
    public void onReady() {
      deliver(ServerCall.Listener::onReady);
    }
  }
}
