package dev.circlet.gateway.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.proto.runner.v1.StepEvent;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/** A Build's step events (started, finished, exit code, duration), kept in order in Redis. */
public final class StepEvents {
  /** One event as the REST API shows it. */
  public record Event(int step, String name, String kind, Integer exitCode, Long durationMillis, String status,
      long atMillis) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final UnifiedJedis redis;

  public StepEvents(UnifiedJedis redis) {
    this.redis = redis;
  }

  private static String key(String namespace, String build) {
    return "circlet:log:{" + namespace + "/" + build + "}:events";
  }

  public void record(String namespace, String build, StepEvent e) {
    boolean finished = e.getKind() == StepEvent.Kind.FINISHED;
    Event ev = new Event(e.getStep(), e.getName(), finished ? "finished" : "started",
        finished ? e.getExitCode() : null, finished ? e.getDurationMillis() : null,
        finished ? e.getStatus() : null, e.getAtMillis());
    try {
      redis.rpush(key(namespace, build), JSON.writeValueAsString(ev));
    } catch (JsonProcessingException e2) {
      throw new IllegalStateException(e2);
    }
  }

  public List<Event> list(String namespace, String build) {
    List<Event> out = new ArrayList<>();
    for (String s : redis.lrange(key(namespace, build), 0, -1)) {
      try {
        out.add(JSON.readValue(s, Event.class));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

}
