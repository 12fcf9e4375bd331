package dev.circlet.gateway.logs;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import io.smallrye.common.annotation.Blocking;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A step's log over HTTP, finished or running, from any gateway replica: the whole log or a byte
 * range, and a live tail as Server-Sent Events resumable with {@code Last-Event-ID} (the byte
 * offset the client has read up to).
 */
@Path("/api/v1/builds/{namespace}/{build}")
@Blocking
public class LogResource {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  private static final int PAGE = 1 << 20;

  private final OutputProcessor processor;
  private final LogsConfig config;

  public LogResource(OutputProcessor processor, LogsConfig config) {
    this.processor = processor;
    this.config = config;
  }

  private static StepKey key(String namespace, String build, int step) {
    try {
      return new StepKey(namespace, build, step);
    } catch (IllegalArgumentException e) {
      throw new WebApplicationException(e.getMessage(), Response.Status.BAD_REQUEST);
    }
  }

  @GET
  @Path("/steps")
  @Produces(MediaType.APPLICATION_JSON)
  public List<StepEvents.Event> steps(@PathParam("namespace") String namespace, @PathParam("build") String build) {
    return processor.events().list(namespace, build);
  }

  /** The log, or the byte range of {@code Range: bytes=a-b}; headers say whether it is complete. */
  @GET
  @Path("/steps/{step}/log")
  @Produces(MediaType.TEXT_PLAIN)
  public Response log(@PathParam("namespace") String namespace, @PathParam("build") String build,
      @PathParam("step") int step, @HeaderParam("Range") String range) {
    StepKey k = key(namespace, build, step);
    long from = 0;
    long to = Long.MAX_VALUE;
    if (range != null) {
      Matcher m = RANGE.matcher(range.trim());
      if (!m.matches()) {
        throw new WebApplicationException("Range must be bytes=FROM-[TO]", Response.Status.BAD_REQUEST);
      }
      from = Long.parseLong(m.group(1));
      to = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2)) + 1;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    LogReader.Slice s = processor.reader().read(k, from, (int) Math.min(PAGE, to - from));
    while (s.data().length > 0) {
      out.writeBytes(s.data());
      if (s.next() >= to || out.size() >= 64 * PAGE) {
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

  /** Live tail: events carry the next byte offset as their id; an {@code end} event closes it. */
  @GET
  @Path("/steps/{step}/log/stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public void tail(@PathParam("namespace") String namespace, @PathParam("build") String build,
      @PathParam("step") int step, @HeaderParam("Last-Event-ID") String lastEventId,
      @QueryParam("offset") Long offset, @Context SseEventSink sink, @Context Sse sse) {
    StepKey k = key(namespace, build, step);
    long at = lastEventId != null && lastEventId.matches("\\d{1,18}") ? Long.parseLong(lastEventId)
        : offset == null ? 0 : offset;
    try (sink) {
      while (!sink.isClosed()) {
        LogReader.Slice s = processor.reader().read(k, at, 64 * 1024);
        if (s.data().length > 0) {
          at = s.next();
          OutboundSseEvent ev = sse.newEventBuilder().id(Long.toString(at)).name("log")
              .data(new String(s.data(), StandardCharsets.UTF_8)).build();
          sink.send(ev).toCompletableFuture().join();
          continue;
        }
        if (s.complete()) {
          sink.send(sse.newEventBuilder().id(Long.toString(at)).name("end").data("").build())
              .toCompletableFuture().join();
          return;
        }
        Thread.sleep(config.tailPoll().toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.CompletionException e) {
      // the client went away
    }
  }
}
