package dev.circlet.cli.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.config.SetupConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The continuation of one local setup run, answering {@code POST /api/v2/pipeline/continue} bodies
 * as the gateway does: the same validation and problem answers, one continuation accepted, then
 * {@code 409} for a second one or once the setup workflow has ended. Pure; thread-safe.
 */
public final class ContinuationGate {
  /** CircleCI's path of the continuation endpoint. */
  public static final String PATH = "/api/v2/pipeline/continue";
  /** The largest configuration accepted, in characters (as in the cluster). */
  static final int MAX_CONFIGURATION = 2 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An HTTP answer: status and JSON body (a problem document unless 200). */
  public record Answer(int status, Map<String, Object> body) {
    /** The body as JSON text. */
    public String json() {
      try {
        return JSON.writeValueAsString(body);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** What the setup job sent: the configuration to continue with and its pipeline parameters. */
  public record Continuation(String configuration, Map<String, Object> parameters) {}

  private enum State { WAITING, CONTINUED, ENDED }

  private final String key;
  private final String pipeline;
  private State state = State.WAITING;
  private Continuation continuation;

  /** @param pipeline how answers name the local pipeline */
  public ContinuationGate(String key, String pipeline) {
    this.key = key;
    this.pipeline = pipeline;
  }

  /** A fresh random key for one local run. */
  public static String newKey(SecureRandom random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return "ck_local_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Answers one request body. */
  public Answer offer(String requestBody) {
    Map<?, ?> body;
    try {
      Object parsed = requestBody == null || requestBody.isBlank() ? null : JSON.readValue(requestBody, Object.class);
      if (!(parsed instanceof Map<?, ?> m)) {
        return problem(400, "Bad request", "the body must be a JSON object with continuation-key and configuration");
      }
      body = m;
    } catch (JsonProcessingException e) {
      return problem(400, "Bad request", "the body is not JSON: " + e.getOriginalMessage());
    }
    if (!(body.get("continuation-key") instanceof String given)) {
      return problem(400, "Bad request", "continuation-key is required (the job's CIRCLE_CONTINUATION_KEY)");
    }
    if (!(body.get("configuration") instanceof String configuration) || configuration.isBlank()) {
      return problem(400, "Bad request", "configuration is required: the config to continue with, as a YAML string");
    }
    if (configuration.length() > MAX_CONFIGURATION) {
      return problem(413, "Configuration too large", "configuration is larger than " + MAX_CONFIGURATION
          + " characters");
    }
    if (SetupConfig.isSetup(configuration)) {
      return problem(400, "Bad request", "a continuation's configuration must not be a setup config (setup: true)");
    }
    Object params = body.get("parameters") == null ? Map.of() : body.get("parameters");
    if (!(params instanceof Map<?, ?> parameters)) {
      return problem(400, "Bad request", "parameters must be an object");
    }
    Map<String, Object> accepted = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : parameters.entrySet()) {
      Object v = e.getValue();
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        return problem(400, "Bad request", "parameter " + e.getKey() + " must be a string, number or boolean");
      }
      accepted.put(String.valueOf(e.getKey()), v);
    }
    if (!MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
      return problem(401, "Unauthorized", "the continuation key is not valid");
    }
    synchronized (this) {
      switch (state) {
        case CONTINUED -> {
          return problem(409, "Already continued", "pipeline " + pipeline
              + " was already continued; a continuation key is good for one continuation");
        }
        case ENDED -> {
          return problem(409, "Pipeline ended", "the setup workflow of pipeline " + pipeline
              + " finished without continuing, so the pipeline ended");
        }
        default -> {
          state = State.CONTINUED;
          continuation = new Continuation(configuration, Map.copyOf(accepted));
          return new Answer(200, Map.of("message", "continued", "pipeline", pipeline));
        }
      }
    }
  }

  /**
   * Ends the setup phase: no continuation is accepted afterwards. Returns the accepted
   * continuation, or null when the setup workflow finished without continuing.
   */
  public synchronized Continuation end() {
    if (state == State.WAITING) {
      state = State.ENDED;
    }
    return continuation;
  }

  /** A problem document for a request that is not a continuation at all (wrong method or path). */
  public static Answer notServed(int status, String detail) {
    return problem(status, status == 405 ? "Method not allowed" : "Not found", detail);
  }

  private static Answer problem(int status, String title, String detail) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "about:blank");
    p.put("title", title);
    p.put("status", status);
    p.put("detail", detail);
    return new Answer(status, p);
  }
}
