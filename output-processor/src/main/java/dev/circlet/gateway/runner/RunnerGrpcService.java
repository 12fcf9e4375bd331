package dev.circlet.gateway.runner;

import dev.circlet.gateway.logs.HotBuffer;
import dev.circlet.gateway.logs.LogProtocolException;
import dev.circlet.gateway.logs.LogStreamSession;
import dev.circlet.gateway.logs.MaskPatterns;
import dev.circlet.gateway.logs.StepKey;
import dev.circlet.gateway.logs.StepState;
import dev.circlet.gateway.records.BuildRecords;
import dev.circlet.gateway.records.JunitReports;
import dev.circlet.gateway.records.TestCase;
import dev.circlet.gateway.storage.ObjectStore;
import dev.circlet.proto.runner.v1.ListObjectsRequest;
import dev.circlet.proto.runner.v1.ListObjectsResponse;
import dev.circlet.proto.runner.v1.LogAck;
import dev.circlet.proto.runner.v1.LogFrame;
import dev.circlet.proto.runner.v1.OpenSessionRequest;
import dev.circlet.proto.runner.v1.OpenSessionResponse;
import dev.circlet.proto.runner.v1.RunnerGrpc;
import dev.circlet.proto.runner.v1.StepEvent;
import dev.circlet.proto.runner.v1.StepEventAck;
import dev.circlet.proto.runner.v1.StoredObject;
import dev.circlet.proto.runner.v1.TestResults;
import dev.circlet.proto.runner.v1.TestResultsAck;
import dev.circlet.proto.runner.v1.TransferGrant;
import dev.circlet.proto.runner.v1.TransferRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The runner API: translates gRPC calls of an authenticated runner into the log pipeline, step
 * events, test results and presigned transfers, always for the runner's own Build.
 */
public class RunnerGrpcService extends RunnerGrpc.RunnerImplBase {
  private static final Logger LOG = Logger.getLogger(RunnerGrpcService.class.getName());

  /** Limits of the runner API. */
  public record Settings(long stepCapBytes, int maxChunkBytes, Duration fullWait, Duration transferTtl) {}

  /** Bytes of a log stream received and not yet appended, before the receiving thread waits. */
  static final long MAX_QUEUED_BYTES = 4L << 20;

  private final HotBuffer hot;
  private final ObjectStore store;
  private final BuildRecords records;
  private final Settings settings;

  public RunnerGrpcService(HotBuffer hot, ObjectStore store, BuildRecords records, Settings settings) {
    this.hot = hot;
    this.store = store;
    this.records = records;
    this.settings = settings;
  }

  private static RunnerIdentity identity() {
    RunnerIdentity id = RunnerAuthInterceptor.IDENTITY.get();
    RunnerAuthInterceptor.Deferred deferred = RunnerAuthInterceptor.DEFERRED.get();
    if (id == null && deferred != null) {
      id = deferred.authenticate();
    }
    if (id == null) {
      throw Status.UNAUTHENTICATED.withDescription("no runner identity").asRuntimeException();
    }
    return id;
  }

  @Override
  public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> out) {
    RunnerIdentity id = identity();
    OpenSessionResponse.Builder r = OpenSessionResponse.newBuilder()
        .setNamespace(id.namespace()).setBuild(id.build())
        .setMaxChunkBytes(settings.maxChunkBytes());
    if (id.jobJson() != null) {
      r.setJobJson(id.jobJson());
    }
    for (int step : hot.steps(id.namespace(), id.build())) {
      StepState s = hot.state(new StepKey(id.namespace(), id.build(), step));
      r.addDurable(LogAck.newBuilder().setStep(step).setDurableOffset(s.consumed())
          .setCapped(s.capped()).setEnded(s.ended()));
    }
    out.onNext(r.build());
    out.onCompleted();
  }

  @Override
  public StreamObserver<LogFrame> streamLogs(StreamObserver<LogAck> out) {
    RunnerIdentity id = identity();
    // frames are handled on the pipeline's drain thread, in order; chunks that queued up while an
    // append waited for Redis are merged into one append and one acknowledgement
    LogStreamPipeline.Handler handler = new LogStreamPipeline.Handler() {
      private LogStreamSession session;

      @Override
      public void frame(LogFrame f) throws InterruptedException {
        if (f.hasOpen()) {
          session = new LogStreamSession(hot, id.namespace(), id.build(),
              MaskPatterns.of(f.getOpen().getMaskValuesList()), settings.stepCapBytes(), settings.fullWait());
          return;
        }
        if (session == null) {
          throw new LogProtocolException("the first frame of a log stream is StreamOpen");
        }
        switch (f.getKindCase()) {
          case RESUME -> out.onNext(session.resume(f.getResume().getStep()));
          case CHUNK -> {
            // merged chunks stay within the limit, so only a runner's own chunk can pass it
            if (f.getChunk().getData().size() > settings.maxChunkBytes()) {
              throw new LogProtocolException("a chunk is at most " + settings.maxChunkBytes() + " bytes");
            }
            out.onNext(session.chunk(f.getChunk().getStep(), f.getChunk().getOffset(),
                f.getChunk().getData().toByteArray()));
          }
          case END -> {
            LogAck ack = session.end(f.getEnd().getStep(), f.getEnd().getLength());
            if (ack.getEnded()) {
              int step = f.getEnd().getStep();
              records.logLength(id.namespace(), id.build(), step,
                  hot.state(new StepKey(id.namespace(), id.build(), step)).stored());
            }
            out.onNext(ack);
          }
          default -> throw new LogProtocolException("an empty log frame");
        }
      }

      @Override
      public void completed() {
        out.onCompleted();
      }
    };
    LogStreamPipeline pipeline = new LogStreamPipeline(handler, e -> {
      Status s;
      if (e instanceof LogProtocolException || e instanceof IllegalArgumentException) {
        s = Status.FAILED_PRECONDITION.withDescription(e.getMessage());
      } else if (e instanceof LogStreamSession.BufferFullException) {
        s = Status.UNAVAILABLE.withDescription(e.getMessage());
      } else if (e instanceof InterruptedException) {
        s = Status.UNAVAILABLE.withDescription("the gateway is stopping");
      } else {
        LOG.log(Level.WARNING, "log stream of " + id.namespace() + "/" + id.build() + " failed", e);
        s = Status.UNAVAILABLE.withDescription("the hot buffer is unavailable");
      }
      try {
        out.onError(s.asRuntimeException());
      } catch (RuntimeException closed) {
        // the call ended meanwhile
      }
    }, MAX_QUEUED_BYTES, settings.maxChunkBytes());
    return new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(LogFrame f) {
        if (failed) {
          return;
        }
        try {
          pipeline.offer(f);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failed = true;
          pipeline.cancel();
        }
      }

      @Override
      public void onError(Throwable t) {
        failed = true;
        pipeline.cancel();
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        try {
          pipeline.complete();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          pipeline.cancel();
        }
      }
    };
  }

  @Override
  public void reportStep(StepEvent request, StreamObserver<StepEventAck> out) {
    RunnerIdentity id = identity();
    if (request.getStep() < 0 || request.getKind() == StepEvent.Kind.KIND_UNSPECIFIED) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("a step event names a step and started or finished")
          .asRuntimeException());
      return;
    }
    try {
      records.step(id.namespace(), id.build(), request);
      if (request.getKind() == StepEvent.Kind.FINISHED && !request.getStatus().isEmpty()) {
        hot.finished(new StepKey(id.namespace(), id.build(), request.getStep()), request.getStatus());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "step event of " + id.namespace() + "/" + id.build() + " not recorded", e);
      out.onError(Status.UNAVAILABLE.withDescription("build records are unavailable; report again").asRuntimeException());
      return;
    }
    out.onNext(StepEventAck.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public void uploadTestResults(TestResults request, StreamObserver<TestResultsAck> out) {
    RunnerIdentity id = identity();
    String key;
    List<TestCase> cases;
    try {
      key = TransferKeys.objectKey(id, TransferRequest.Kind.ARTIFACT, "test-results/" + request.getPath());
      cases = JunitReports.parse(request.getContent().toByteArray());
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    try {
      // the rows first: the REST API reads them, and a retry after a failed put records the same rows
      records.testResults(id.namespace(), id.build(), request.getPath(), cases);
      store.put(key, request.getContent().toByteArray());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "test results of " + id.namespace() + "/" + id.build() + " not recorded", e);
      out.onError(Status.UNAVAILABLE.withDescription("test results could not be stored; upload again")
          .asRuntimeException());
      return;
    }
    out.onNext(TestResultsAck.newBuilder().setCases(cases.size()).build());
    out.onCompleted();
  }

  @Override
  public void requestTransfer(TransferRequest request, StreamObserver<TransferGrant> out) {
    RunnerIdentity id = identity();
    String method = switch (request.getMethod()) {
      case GET -> "GET";
      case PUT -> "PUT";
      case HEAD -> "HEAD";
      case DELETE -> "DELETE";
      default -> null;
    };
    if (method == null) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("method must be GET, PUT, HEAD or DELETE").asRuntimeException());
      return;
    }
    String key;
    try {
      key = TransferKeys.objectKey(id, request.getKind(), request.getKey());
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    if (request.getMethod() == TransferRequest.Method.DELETE && request.getKind() != TransferRequest.Kind.SCOPED) {
      // caches are immutable and artifacts are the Build's record: only the agent's own layout
      // (superseded timings, replaced layers) is deleted
      out.onError(Status.INVALID_ARGUMENT.withDescription("DELETE is granted for SCOPED keys only").asRuntimeException());
      return;
    }
    ObjectStore.Presigned p = store.presign(key, method, settings.transferTtl());
    String artifactPath = artifactPath(request);
    if (artifactPath != null) {
      // recorded when the upload URL is issued: the runner reports no completion, so readers check
      // the object exists (and take its size) before they list it
      try {
        records.artifact(id.namespace(), id.build(), artifactPath, key);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "artifact of " + id.namespace() + "/" + id.build() + " not recorded", e);
        out.onError(Status.UNAVAILABLE.withDescription("build records are unavailable; ask again").asRuntimeException());
        return;
      }
    }
    out.onNext(TransferGrant.newBuilder().setUrl(p.url()).setMethod(p.method()).putAllHeaders(p.headers())
        .setExpiresAtMillis(p.expiresAtMillis()).build());
    out.onCompleted();
  }

  /** The artifact path a PUT grant records, or null: ARTIFACT keys, and SCOPED keys under {@code artifacts/}. */
  static String artifactPath(TransferRequest request) {
    if (request.getMethod() != TransferRequest.Method.PUT) {
      return null;
    }
    if (request.getKind() == TransferRequest.Kind.ARTIFACT) {
      return request.getKey();
    }
    if (request.getKind() == TransferRequest.Kind.SCOPED && request.getKey().startsWith("artifacts/")) {
      return request.getKey().substring("artifacts/".length());
    }
    return null;
  }

  /** The largest page of {@link #listObjects}. */
  static final int MAX_PAGE = 1000;

  @Override
  public void listObjects(ListObjectsRequest request, StreamObserver<ListObjectsResponse> out) {
    RunnerIdentity id = identity();
    String prefix;
    String scope = TransferKeys.scope(id) + "/";
    String startAfter = null;
    try {
      prefix = TransferKeys.listPrefix(id, request.getPrefix());
      if (!request.getPageToken().isEmpty()) {
        // the token is the last key of the previous page, relative to the scope: it must lie under the prefix
        startAfter = scope + request.getPageToken();
        if (!startAfter.startsWith(prefix)) {
          throw new IllegalArgumentException("the page token does not belong to prefix " + request.getPrefix());
        }
      }
      if (request.getPageSize() < 0) {
        throw new IllegalArgumentException("a page size is not negative");
      }
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    int size = request.getPageSize() == 0 ? MAX_PAGE : Math.min(request.getPageSize(), MAX_PAGE);
    ObjectStore.Page page;
    try {
      page = store.listPage(prefix, startAfter, size);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "listing of " + id.namespace() + "/" + id.build() + " failed", e);
      out.onError(Status.UNAVAILABLE.withDescription("object storage is unavailable; list again").asRuntimeException());
      return;
    }
    ListObjectsResponse.Builder r = ListObjectsResponse.newBuilder();
    String last = null;
    for (var o : page.objects()) {
      if (!o.key().startsWith(scope)) {
        continue;
      }
      last = o.key().substring(scope.length());
      r.addObjects(StoredObject.newBuilder().setKey(last).setSize(o.size() == null ? 0 : o.size())
          .setLastModifiedMillis(o.lastModified() == null ? 0 : o.lastModified().toEpochMilli()));
    }
    if (page.truncated() && last != null) {
      r.setNextPageToken(last);
    }
    out.onNext(r.build());
    out.onCompleted();
  }

}
