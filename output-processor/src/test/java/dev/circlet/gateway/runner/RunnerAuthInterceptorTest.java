package dev.circlet.gateway.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The interceptor returns at once while authentication (which may wait for the Kubernetes API)
 * runs on its executor; the call's events that arrive meanwhile reach the service in order.
 */
class RunnerAuthInterceptorTest {
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** A call that records what the interceptor did with it. */
  static final class RecordingCall extends ServerCall<String, String> {
    final CountDownLatch closed = new CountDownLatch(1);
    volatile Status status;

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {}

    @Override
    public void close(Status s, Metadata trailers) {
      status = s;
      closed.countDown();
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public MethodDescriptor<String, String> getMethodDescriptor() {
      MethodDescriptor.Marshaller<String> m = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes());
        }

        @Override
        public String parse(InputStream stream) {
          return "";
        }
      };
      return MethodDescriptor.<String, String>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("circlet.runner.v1.Runner/Test").setRequestMarshaller(m).setResponseMarshaller(m).build();
    }
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void authenticationRunsOnTheExecutorAndEventsWaitForIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RunnerAuthenticator slow = h -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new RunnerIdentity("ci", "b1", "org/project", null);
    };
    List<String> seen = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    RecordingCall call = new RecordingCall();

    // With authentication on the calling thread this would not return until release.
    ServerCall.Listener<String> listener = new RunnerAuthInterceptor(slow, pool).interceptCall(call, new Metadata(),
        (c, h) -> new ServerCall.Listener<>() {
          {
            seen.add("started as " + RunnerAuthInterceptor.IDENTITY.get().build());
          }

          @Override
          public void onMessage(String message) {
            seen.add("message " + message);
          }

          @Override
          public void onHalfClose() {
            seen.add("half-close");
            done.countDown();
          }
        });
    listener.onMessage("m1");
    listener.onHalfClose();
    assertThat(seen).isEmpty();

    release.countDown();
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).containsExactly("started as b1", "message m1", "half-close");
  }

  @Test
  void aRefusedRunnerIsClosedWithTheAuthenticatorsStatusAndNeverReachesTheService() throws Exception {
    RecordingCall call = new RecordingCall();
    List<String> seen = new ArrayList<>();
    ServerCall.Listener<String> listener = new RunnerAuthInterceptor(h -> {
      throw Status.UNAUTHENTICATED.withDescription("wrong token").asException();
    }, pool).interceptCall(call, new Metadata(), (c, h) -> {
      seen.add("started");
      return new ServerCall.Listener<>() {};
    });
    listener.onHalfClose();

    assertThat(call.closed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(call.status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(call.status.getDescription()).isEqualTo("wrong token");
    assertThat(seen).isEmpty();
  }
}
