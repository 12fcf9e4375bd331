package dev.circlet.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.gateway.api.GatewayWiring;
import dev.circlet.gateway.continuation.ContinuationKeys;
import dev.circlet.gateway.continuation.ContinuationStore;
import dev.circlet.gateway.trigger.DeliveryHandler;
import dev.circlet.gateway.trigger.SetupRuns;
import dev.circlet.gateway.webhook.Delivery;
import dev.circlet.gateway.webhook.TriggerEvent;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * CircleCI's continuation endpoint: a setup job posts its continuation key, the configuration to
 * continue with and pipeline parameters; the pipeline continues once. The key is the credential (no
 * bearer token), valid for its one run, until it expires or the setup workflow ends.
 */
@Path("/api/v2/pipeline/continue")
@Produces(MediaType.APPLICATION_JSON)
public class ContinuationResource {
  /** The largest configuration accepted, in characters. */
  static final int MAX_CONFIGURATION = 2 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GatewayWiring gateway;

  public ContinuationResource(GatewayWiring gateway) {
    this.gateway = gateway;
  }

  /** The answer to an accepted continuation. */
  public record Continued(String message, String pipeline, long number) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Continued continueRun(Map<String, Object> body) {
    if (body == null || !(body.get("continuation-key") instanceof String key)) {
      throw ApiProblem.badRequest("continuation-key is required (the job's CIRCLE_CONTINUATION_KEY)");
    }
    if (!(body.get("configuration") instanceof String configuration) || configuration.isBlank()) {
      throw ApiProblem.badRequest("configuration is required: the config to continue with, as a YAML string");
    }
    if (configuration.length() > MAX_CONFIGURATION) {
      throw new ApiProblem(413, "Configuration too large", "configuration is larger than " + MAX_CONFIGURATION
          + " characters");
    }
    if (SetupRuns.isSetup(configuration)) {
      throw ApiProblem.badRequest("a continuation's configuration must not be a setup config (setup: true)");
    }
    Object params = body.getOrDefault("parameters", Map.of());
    if (!(params instanceof Map<?, ?> parameters)) {
      throw ApiProblem.badRequest("parameters must be an object");
    }
    parameters.forEach((k, v) -> {
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw ApiProblem.badRequest("parameter " + k + " must be a string, number or boolean");
      }
    });
    ContinuationStore store = gateway.continuations();
    long runId = ContinuationKeys.runOf(store.secret(), key);
    ContinuationStore.Waiting w = runId < 0 ? null : store.get(runId);
    if (w == null) {
      throw ApiProblem.unauthorized("the continuation key is not valid");
    }
    Instant now = gateway.clock().instant();
    if ("waiting".equals(w.status()) && now.isBefore(w.expiresAt()) && setupEnded(w)) {
      gateway.setupEnds().end(runId);
      w = store.get(runId);
    }
    String encoded;
    try {
      encoded = JSON.writeValueAsString(parameters);
    } catch (JsonProcessingException e) {
      throw ApiProblem.badRequest("parameters do not serialise: " + e.getOriginalMessage());
    }
    if (!store.accept(runId, configuration, encoded, now)) {
      ContinuationStore.Waiting now2 = store.get(runId);
      String pipeline = w.namespace() + "/" + w.pipeline() + " #" + w.number();
      throw switch (now2.status()) {
        case "continued", "done" -> new ApiProblem(409, "Already continued", "pipeline " + pipeline
            + " was already continued; a continuation key is good for one continuation");
        case "ended" -> new ApiProblem(409, "Pipeline ended", "the setup workflow of pipeline " + pipeline
            + " finished without continuing, so the pipeline ended");
        default -> new ApiProblem(410, "Continuation key expired", "the continuation key of pipeline " + pipeline
            + " expired at " + now2.expiresAt());
      };
    }
    publish(store, w, parameters);
    return new Continued("continued", w.namespace() + "/" + w.pipeline(), w.number());
  }

  /** Whether every setup Workflow of the run has finished (the job that would continue is gone). */
  private boolean setupEnded(ContinuationStore.Waiting w) {
    if (w.workflows().length == 0) {
      return false;
    }
    for (String name : w.workflows()) {
      Workflow wf = gateway.client().resources(Workflow.class).inNamespace(w.namespace()).withName(name).get();
      if (wf == null || wf.getStatus() == null || wf.getStatus().phase == null || !wf.getStatus().phase.isTerminal()) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private void publish(ContinuationStore store, ContinuationStore.Waiting w, Map<?, ?> parameters) {
    Delivery d = new Delivery(Delivery.CONTINUATION, "run-" + w.runId(), "continue",
        List.of(new TriggerEvent(TriggerEvent.PUSH, List.of(), w.branch(), w.tag(), w.revision(), null, null, null,
            null, w.actor(), null)), w.namespace() + "/" + w.pipeline(), (Map<String, Object>) parameters);
    try {
      gateway.publisher().publish(Map.of("provider", d.provider(), "delivery", d.deliveryId()),
          DeliveryHandler.encode(d)).get(gateway.confirmTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      store.reopen(w.runId());
      throw new ApiProblem(503, "Broker unavailable", "the continuation was not queued; try again");
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      store.reopen(w.runId());
      throw new ApiProblem(503, "Broker unavailable", "the continuation was not queued; try again");
    }
  }
}
