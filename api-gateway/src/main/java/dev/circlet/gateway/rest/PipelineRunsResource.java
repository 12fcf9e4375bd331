package dev.circlet.gateway.rest;

import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.gateway.api.GatewayWiring;
import dev.circlet.gateway.broker.ConfirmedPublisher;
import dev.circlet.gateway.history.DeliveryStore;
import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;
import dev.circlet.gateway.trigger.DeliveryHandler;
import dev.circlet.gateway.trigger.DeliveryProcessor;
import dev.circlet.gateway.webhook.Delivery;
import dev.circlet.gateway.webhook.TriggerEvent;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Triggers a Pipeline: the run is allocated (its number is in the answer), then a delivery of
 * provider {@code api} naming the Pipeline is published to the same queue as webhooks and the same
 * consumer creates its Workflows, exactly once per delivery. An {@code Idempotency-Key} makes a
 * repeated request answer the same run. The Pipeline's namespace must be bound to the caller's
 * Organization (label {@code ci.circlet.dev/organization}) and the Pipeline must name it; anything
 * else is 404.
 */
@Path("/api/v1/pipelines/{namespace}/{name}/runs")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineRunsResource {
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,64}");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:{}-]{1,200}");

  private final ApiAuth auth;
  private final GatewayWiring gateway;

  public PipelineRunsResource(ApiAuth auth, GatewayWiring gateway) {
    this.auth = auth;
    this.gateway = gateway;
  }

  /** What to build: a branch or a tag (the Pipeline's default branch when neither), optionally a commit. */
  public record TriggerRequest(String branch, String tag, String revision, Map<String, Object> parameters) {}

  /** The run a trigger made: its id and number, and the delivery that carries it. */
  public record TriggeredRun(long id, String namespace, String pipeline, long number, String status,
      String delivery) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response trigger(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @HeaderParam("Authorization") String authorization, @HeaderParam("Idempotency-Key") String idempotencyKey,
      TriggerRequest body) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.WRITE);
    Pipeline p = owned(gateway.client(), caller.organization(), namespace, name);
    TriggerRequest req = body == null ? new TriggerRequest(null, null, null, null) : body;
    if (req.branch() != null && req.tag() != null) {
      throw ApiProblem.badRequest("give a branch or a tag, not both");
    }
    String branch = req.branch();
    if (branch == null && req.tag() == null) {
      var repo = p.getSpec().repository;
      branch = repo == null || repo.defaultBranch == null || repo.defaultBranch.isBlank() ? "main" : repo.defaultBranch;
    }
    ref("branch", branch);
    ref("tag", req.tag());
    if (req.revision() != null && !SHA.matcher(req.revision()).matches()) {
      throw ApiProblem.badRequest("revision must be a commit id (7-64 hex digits)");
    }
    Map<String, Object> parameters = req.parameters() == null ? Map.of() : req.parameters();
    parameters.forEach((k, v) -> {
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw ApiProblem.badRequest("parameter " + k + " must be a string, number or boolean");
      }
    });
    if (idempotencyKey != null && !KEY.matcher(idempotencyKey).matches()) {
      throw ApiProblem.badRequest("Idempotency-Key must be 1-200 characters of [A-Za-z0-9._:{}-]");
    }
    String deliveryId = namespace + "/" + name + "/" + (idempotencyKey != null ? idempotencyKey : UUID.randomUUID());
    String url = p.getSpec().repository == null ? null : p.getSpec().repository.url;
    TriggerEvent event = new TriggerEvent(req.tag() != null ? TriggerEvent.TAG : TriggerEvent.PUSH,
        url == null ? List.of() : List.of(url), branch, req.tag(), req.revision(), null, null, null, null,
        caller.name(), null);
    Delivery delivery = new Delivery(Delivery.API, deliveryId, "api", List.of(event), namespace + "/" + name,
        parameters);
    DeliveryStore store = gateway.store();
    DeliveryStore.Run run = store.allocate(new DeliveryStore.RunRequest(namespace, name,
        DeliveryProcessor.runKey(Delivery.API, deliveryId, 0, namespace, name), Delivery.API, deliveryId, "api",
        branch, req.tag(), req.revision(), caller.name(), caller.organization()));
    publish(store, run, delivery);
    return Response.accepted(new TriggeredRun(run.id(), namespace, name, run.number(), run.status(), deliveryId))
        .build();
  }

  private void publish(DeliveryStore store, DeliveryStore.Run run, Delivery delivery) {
    ConfirmedPublisher publisher = gateway.publisher();
    try {
      publisher.publish(Map.of("provider", delivery.provider(), "delivery", delivery.deliveryId()),
          DeliveryHandler.encode(delivery)).get(gateway.confirmTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(store, run, e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      abandon(store, run, e);
    }
  }

  private static void abandon(DeliveryStore store, DeliveryStore.Run run, Exception e) {
    store.abandonRun(run.id(), "the trigger was not queued (broker unavailable); trigger again");
    throw new ApiProblem(503, "Broker unavailable", "run #" + run.number() + " was not queued: "
        + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
  }

  /** The Pipeline, when its namespace is bound to {@code organization} and it names that organization. */
  static Pipeline owned(KubernetesClient client, String organization, String namespace, String name) {
    ApiProblem missing = ApiProblem.notFound("no Pipeline " + namespace + "/" + name);
    if (!REF.matcher(namespace).matches() || namespace.contains("/") || !REF.matcher(name).matches()
        || name.contains("/")) {
      throw missing;
    }
    Namespace ns = client.namespaces().withName(namespace).get();
    Map<String, String> labels = ns == null ? null : ns.getMetadata().getLabels();
    if (labels == null || !organization.equals(labels.get(CircletApi.LABEL_ORGANIZATION))) {
      throw missing;
    }
    Pipeline p = client.resources(Pipeline.class).inNamespace(namespace).withName(name).get();
    if (p == null || p.getSpec() == null || !organization.equals(p.getSpec().organization)) {
      throw missing;
    }
    return p;
  }

  private static void ref(String what, String value) {
    if (value != null && (!REF.matcher(value).matches() || value.startsWith("-") || value.contains(".."))) {
      throw ApiProblem.badRequest(what + " must be 1-200 characters of [A-Za-z0-9._/-], not starting with -");
    }
  }
}
