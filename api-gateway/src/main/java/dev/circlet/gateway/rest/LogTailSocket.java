package dev.circlet.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.gateway.logs.LogsConfig;
import dev.circlet.gateway.logs.OutputProcessor;
import dev.circlet.gateway.logs.StepKey;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Live tail of a step's log over a WebSocket. The upgrade is authorized first
 * ({@link LogTailUpgradeCheck}); then text frames {@code {"offset":N,"next":M,"data":"..."}} carry
 * the bytes {@code [N, M)} (whole UTF-8 characters), and a final
 * {@code {"ended":true,"length":L,"status":"success"}} closes a finished step (the status the runner
 * reported: success, failed, canceled or timedout; absent when it reported none). A client that lost the connection reconnects with {@code ?offset=M} of the
 * last frame it received: no gap, no repeat.
 */
@WebSocket(path = "/api/v1/builds/{namespace}/{build}/steps/{step}/log/tail", endpointId = LogTailSocket.ID)
public class LogTailSocket {
  static final String ID = "circlet-log-tail";
  static final UserData.TypedKey<Long> OFFSET = UserData.TypedKey.forLong("circlet.log.offset");
  private static final Logger LOG = Logger.getLogger(LogTailSocket.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OutputProcessor processor;
  private final LogsConfig config;

  public LogTailSocket(OutputProcessor processor, LogsConfig config) {
    this.processor = processor;
    this.config = config;
  }

  @OnOpen
  void open(WebSocketConnection connection) {
    StepKey k = new StepKey(connection.pathParam("namespace"), connection.pathParam("build"),
        Integer.parseInt(connection.pathParam("step")));
    Long offset = connection.userData().get(OFFSET);
    long from = offset == null ? 0 : offset;
    // one virtual thread per tail: it waits on Redis and on the socket, never on the event loop
    Thread.ofVirtual().name("circlet-log-tail-" + k.id()).start(() -> tail(connection, k, from));
  }

  private void tail(WebSocketConnection c, StepKey k, long from) {
    long at = from;
    try {
      while (c.isOpen()) {
        BuildLogsResource.Tail.Next n = BuildLogsResource.Tail.next(
            processor.reader().read(k, at, BuildLogsResource.TAIL_SLICE));
        if (n.data() != null) {
          Map<String, Object> frame = new LinkedHashMap<>();
          frame.put("offset", at);
          frame.put("next", n.next());
          frame.put("data", new String(n.data(), StandardCharsets.UTF_8));
          c.sendTextAndAwait(json(frame));
          at = n.next();
        } else if (n.ended()) {
          Map<String, Object> end = new LinkedHashMap<>();
          end.put("ended", true);
          end.put("length", at);
          // the step's status as the runner reported it (canceled for a cancelled build's step)
          processor.hot().status(k).ifPresent(s -> end.put("status", s));
          c.sendTextAndAwait(json(end));
          c.closeAndAwait();
          return;
        } else {
          Thread.sleep(config.tailPoll().toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (c.isOpen()) {
        LOG.log(Level.WARNING, "log tail of " + k.id() + " failed", e);
        c.close();
      }
    }
  }

  private static String json(Map<String, Object> frame) {
    try {
      return JSON.writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
