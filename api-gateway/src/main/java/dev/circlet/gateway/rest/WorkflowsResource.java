package dev.circlet.gateway.rest;

import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.JobType;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.gateway.api.GatewayWiring;
import dev.circlet.gateway.archive.ArchiveStore;
import dev.circlet.gateway.archive.ArchiveViews.WorkflowView;
import dev.circlet.gateway.archive.Rerun;
import dev.circlet.gateway.history.HistoryQueries;
import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Workflow: its archived job graph, and the actions on it, which only write the Workflow's
 * spec (approvals, cancel) or create a new Workflow (rerun); the operator stays the only writer
 * of status. Another organization's Workflow is 404.
 */
@Path("/api/v1/workflows/{namespace}/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class WorkflowsResource {
  /** On a rerun Workflow: the Workflow it reruns. */
  public static final String RERUN_OF = "ci.circlet.dev/rerun-of";
  private static final int MAX_RERUNS = 100;

  private final ApiAuth auth;
  private final ArchiveStore archive;
  private final HistoryQueries history;
  private final GatewayWiring gateway;

  public WorkflowsResource(ApiAuth auth, ArchiveStore archive, HistoryQueries history, GatewayWiring gateway) {
    this.auth = auth;
    this.archive = archive;
    this.history = history;
    this.gateway = gateway;
  }

  /** Which approval job to approve. */
  public record ApproveRequest(String job) {}

  /** Rerun every job, or only the failed and canceled ones and their dependents. */
  public record RerunRequest(Boolean failedOnly) {}

  /** An accepted action. */
  public record Accepted(String namespace, String workflow, String action) {}

  /** The rerun Workflow and the pipeline run it belongs to. */
  public record Rerunning(Long id, String namespace, String workflow, String rerunOf, boolean failedOnly) {}

  @GET
  public WorkflowView get(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @HeaderParam("Authorization") String authorization) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    if (!Tenancy.validName(name) || !new Tenancy(gateway.client(), caller.organization()).owns(namespace)) {
      throw missing(namespace, name);
    }
    WorkflowView w = archive.workflow(caller.organization(), namespace, name);
    if (w == null) {
      throw missing(namespace, name);
    }
    return w;
  }

  @POST
  @Path("approve")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response approve(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @HeaderParam("Authorization") String authorization, ApproveRequest body) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.WRITE);
    Workflow w = live(caller, namespace, name);
    String job = body == null ? null : body.job();
    if (job == null || job.isBlank()) {
      throw ApiProblem.badRequest("name the approval job: {\"job\": \"<name>\"}");
    }
    JobSpec spec = w.getSpec().jobs.stream().filter(j -> job.equals(j.name)).findFirst()
        .orElseThrow(() -> ApiProblem.badRequest("workflow " + name + " has no job " + job));
    if (spec.type != JobType.APPROVAL) {
      throw ApiProblem.badRequest("job " + job + " is not an approval job");
    }
    if (w.getStatus() != null && w.getStatus().phase != null && w.getStatus().phase.isTerminal()) {
      throw new ApiProblem(409, "Conflict", "workflow " + name + " has ended (" + w.getStatus().phase + ")");
    }
    edit(namespace, name, x -> {
      if (!x.getSpec().approvals.contains(job)) {
        x.getSpec().approvals.add(job);
      }
    });
    return Response.accepted(new Accepted(namespace, name, "approve " + job)).build();
  }

  @POST
  @Path("cancel")
  public Response cancel(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @HeaderParam("Authorization") String authorization) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.WRITE);
    live(caller, namespace, name);
    edit(namespace, name, x -> x.getSpec().cancel = true);
    return Response.accepted(new Accepted(namespace, name, "cancel")).build();
  }

  @POST
  @Path("rerun")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response rerun(@PathParam("namespace") String namespace, @PathParam("name") String name,
      @HeaderParam("Authorization") String authorization, RerunRequest body) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.WRITE);
    Workflow original = live(caller, namespace, name);
    boolean failedOnly = body != null && Boolean.TRUE.equals(body.failedOnly());
    if (original.getStatus() == null || original.getStatus().phase == null
        || !original.getStatus().phase.isTerminal()) {
      throw new ApiProblem(409, "Conflict", "workflow " + name + " is still running; cancel it or wait for its end");
    }
    WorkflowSpec spec;
    try {
      spec = Rerun.spec(original.getSpec(), original.getStatus(), failedOnly);
    } catch (IllegalArgumentException e) {
      throw new ApiProblem(409, "Conflict", e.getMessage());
    }
    KubernetesClient client = gateway.client();
    for (int attempt = 1; attempt <= MAX_RERUNS; attempt++) {
      String rerunName = rerunName(original, attempt);
      Workflow w = new Workflow();
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put(RERUN_OF, name);
      w.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(rerunName)
          .withLabels(original.getMetadata().getLabels()).withAnnotations(annotations).build());
      w.setSpec(spec);
      try {
        client.resource(w).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
          continue; // an earlier rerun holds this name: take the next
        }
        throw e;
      }
      Long runId = spec.pipeline == null || spec.pipelineNumber == null ? null
          : history.runId(caller.organization(), namespace, spec.pipeline, spec.pipelineNumber);
      return Response.accepted(new Rerunning(runId, namespace, rerunName, name, failedOnly)).build();
    }
    throw new ApiProblem(409, "Conflict", "workflow " + name + " was rerun " + MAX_RERUNS + " times already");
  }

  /** {@code <pipeline>-<number>-<workflow>-rerun-<n>} with the naming hash, or from the original's name. */
  static String rerunName(Workflow original, int attempt) {
    WorkflowSpec s = original.getSpec();
    if (s.pipeline != null && s.pipelineNumber != null && s.workflowName != null) {
      return Names.workflow(s.pipeline, s.pipelineNumber, s.workflowName + "-rerun-" + attempt);
    }
    return Names.workflow(original.getMetadata().getName(), attempt, "rerun");
  }

  /** The Workflow from the API server, when it belongs to the caller's organization; else 404. */
  private Workflow live(ApiTokens.Holder caller, String namespace, String name) {
    if (!Tenancy.validName(name) || !new Tenancy(gateway.client(), caller.organization()).owns(namespace)) {
      throw missing(namespace, name);
    }
    Workflow w = gateway.client().resources(Workflow.class).inNamespace(namespace).withName(name).get();
    if (w == null || w.getSpec() == null || !caller.organization().equals(w.getSpec().organization)) {
      throw missing(namespace, name);
    }
    return w;
  }

  private void edit(String namespace, String name, java.util.function.Consumer<Workflow> change) {
    gateway.client().resources(Workflow.class).inNamespace(namespace).withName(name).edit(w -> {
      change.accept(w);
      return w;
    });
  }

  private static ApiProblem missing(String namespace, String name) {
    return ApiProblem.notFound("no Workflow " + namespace + "/" + name);
  }
}
