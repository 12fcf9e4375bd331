package dev.circlet.gateway.rest;

import dev.circlet.gateway.logs.LogReader;
import dev.circlet.gateway.logs.LogsConfig;
import dev.circlet.gateway.logs.OutputProcessor;
import dev.circlet.gateway.logs.StepKey;
import dev.circlet.gateway.logs.StepState;
import dev.circlet.gateway.logs.Utf8Cut;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A step's log over HTTP, finished or running, from any gateway replica: the whole log or a byte
 * range, and a live tail as Server-Sent Events resumable with {@code Last-Event-ID} (the byte
 * offset the client has read up to). Read scope of the Build's Organization ({@link BuildAccess}).
 */
@Path("/api/v1/builds/{namespace}/{build}/steps/{step}/log")
@Blocking
public class BuildLogsResource {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{0,18})");
  private static final Pattern OFFSET = Pattern.compile("\\d{1,18}");
  private static final int PAGE = 1 << 20;
  /** The most one answer carries; larger logs are read in ranges. */
  private static final int MAX_ANSWER = 64 * PAGE;
  static final int TAIL_SLICE = 64 * 1024;

  private final OutputProcessor processor;
  private final LogsConfig config;
  private final BuildAccess access;

  public BuildLogsResource(OutputProcessor processor, LogsConfig config, BuildAccess access) {
    this.processor = processor;
    this.config = config;
    this.access = access;
  }

  /** The log, or the byte range of {@code Range: bytes=a-b}; headers say whether it is complete. */
  @GET
  @Produces(MediaType.TEXT_PLAIN)
  public Response log(@HeaderParam("Authorization") String authorization, @PathParam("namespace") String namespace,
      @PathParam("build") String build, @PathParam("step") String step, @HeaderParam("Range") String range) {
    StepKey k = access.readableStep(authorization, namespace, build, step);
    long from = 0;
    long to = Long.MAX_VALUE;
    if (range != null) {
      Matcher m = RANGE.matcher(range.trim());
      if (!m.matches()) {
        throw ApiProblem.badRequest("Range must be bytes=FROM-[TO]");
      }
      from = Long.parseLong(m.group(1));
      to = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2)) + 1;
      if (to <= from) {
        throw ApiProblem.badRequest("Range must not end before it starts");
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LogReader.Slice s = processor.reader().read(k, from, (int) Math.min(PAGE, to - from));
    while (s.data().length > 0) {
      out.writeBytes(s.data());
      if (s.next() >= to || out.size() >= MAX_ANSWER) {
        break;
      }
      s = processor.reader().read(k, s.next(), (int) Math.min(PAGE, to - s.next()));
    }
    StepState st = s.state();
    return Response.status(range == null ? 200 : 206).entity(out.toByteArray())
        .type("text/plain; charset=utf-8")
        .header("X-Circlet-Log-Length", st.stored())
        .header("X-Circlet-Log-Complete", st.ended())
        .header("X-Circlet-Log-Capped", st.capped())
        .build();
  }

  /** Live tail: {@code log} events carry the next byte offset as their id; an {@code end} event closes it. */
  @GET
  @Path("stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public void stream(@HeaderParam("Authorization") String authorization, @PathParam("namespace") String namespace,
      @PathParam("build") String build, @PathParam("step") String step, @HeaderParam("Last-Event-ID") String lastEventId,
      @QueryParam("offset") String offset, @Context SseEventSink sink, @Context Sse sse) {
    StepKey k = access.readableStep(authorization, namespace, build, step);
    String resume = lastEventId != null ? lastEventId.trim() : offset;
    if (resume != null && !OFFSET.matcher(resume).matches()) {
      throw ApiProblem.badRequest("Last-Event-ID and offset are byte offsets");
    }
    long at = resume == null ? 0 : Long.parseLong(resume);
    try (sink) {
      while (!sink.isClosed()) {
        Tail.Next n = Tail.next(processor.reader().read(k, at, TAIL_SLICE));
        if (n.data() != null) {
          at = n.next();
          sink.send(sse.newEventBuilder().id(Long.toString(at)).name("log")
              .data(new String(n.data(), StandardCharsets.UTF_8)).build()).toCompletableFuture().join();
        } else if (n.ended()) {
          sink.send(sse.newEventBuilder().id(Long.toString(at)).name("end").data(Long.toString(at)).build())
              .toCompletableFuture().join();
          return;
        } else {
          Thread.sleep(config.tailPoll().toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (CompletionException e) {
      // the client went away
    }
  }

  /** What a live tail sends next from one read: text that ends on a character boundary, the end, or nothing yet. */
  static final class Tail {
    private Tail() {}

    /** {@code data} (whole characters) up to offset {@code next}; or {@code ended}; or neither (wait). */
    record Next(byte[] data, long next, boolean ended) {}

    static Next next(LogReader.Slice s) {
      byte[] d = s.data();
      int n = Utf8Cut.completeLength(d);
      boolean last = s.state().ended() && s.next() >= s.state().stored();
      if (n == 0 && last) {
        n = d.length; // the step ended inside a character: nothing more will complete it
      }
      if (n > 0) {
        return new Next(n == d.length ? d : Arrays.copyOf(d, n), s.from() + n, false);
      }
      return new Next(null, s.from(), s.complete());
    }
  }
}
