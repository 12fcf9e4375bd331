package dev.circlet.gateway.rest;

import dev.circlet.api.v1alpha1.Organization;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.gateway.api.GatewayWiring;
import dev.circlet.gateway.archive.ArchiveStore;
import dev.circlet.gateway.archive.ArchiveViews.BuildView;
import dev.circlet.gateway.archive.ArchiveViews.WorkflowView;
import dev.circlet.gateway.archive.RunStatus;
import dev.circlet.gateway.history.HistoryQueries;
import dev.circlet.gateway.history.HistoryQueries.RunFilter;
import dev.circlet.gateway.history.HistoryQueries.RunRecord;
import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The caller's Organization's history from PostgreSQL, newest first, in pages: {@code limit}
 * (default 20, at most 100) and an opaque {@code cursor}; each page names the next one. Also who
 * the caller is, its Pipelines with the last run of each branch, one run with its Workflows' job
 * graphs, and the Organization's queue.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {
  private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
  private static final Set<String> RUN_STATUSES = Set.of("pending", "created", "invalid_config", "filtered", "failed",
      "ended");
  private static final int QUEUE_LIMIT = 200;

  private final ApiAuth auth;
  private final HistoryQueries history;
  private final ArchiveStore archive;
  private final GatewayWiring gateway;

  public HistoryResource(ApiAuth auth, HistoryQueries history, ArchiveStore archive, GatewayWiring gateway) {
    this.auth = auth;
    this.history = history;
    this.archive = archive;
    this.gateway = gateway;
  }

  /** A page: the items, and the link to the next page (null on the last). */
  public record Page<T>(List<T> items, String next) {}

  /** The caller: its Organization and token. */
  public record Me(String organization, TokenInfo token) {}

  public record TokenInfo(String name, List<String> scopes) {}

  /** A Pipeline of the Organization with the newest run of each branch. */
  public record PipelineItem(String namespace, String name, String repository, List<BranchItem> branches) {}

  public record BranchItem(String branch, LastRun lastRun) {}

  public record LastRun(long id, long number, String status, Instant createdAt) {}

  /** One pipeline run with what triggered it and its Workflows. */
  public record RunDetail(long id, long number, PipelineRef pipeline, String status, String recordStatus,
      String reason, Instant createdAt, Instant updatedAt, TriggerInfo trigger, List<WorkflowView> workflows) {}

  public record PipelineRef(String namespace, String name) {}

  /** What triggered a run; {@code author} is the commit author's name, {@code authorEmail} their address. */
  public record TriggerInfo(String source, String branch, String tag, String revision, String subject,
      String author, String actor, Long prNumber, String provider, String deliveryId, String authorEmail) {}

  /** The Organization's capacity, its use, and the Builds waiting for a slot with why. */
  public record Queue(String organization, int running, int capacity, int queued, List<Waiting> waiting) {}

  public record Waiting(String namespace, String name, String job, String workflow, String queuedAt,
      String reason) {}

  @GET
  @Path("me")
  public Me me(@HeaderParam("Authorization") String authorization) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    return new Me(caller.organization(), new TokenInfo(caller.name(),
        caller.scopes().stream().map(Scope::id).sorted().toList()));
  }

  @GET
  @Path("pipelines")
  public Page<PipelineItem> pipelines(@HeaderParam("Authorization") String authorization,
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    int n = Cursors.limit(limit);
    Long from = Cursors.decode("p", cursor);
    int offset = from == null ? 0 : (int) Math.min(Integer.MAX_VALUE, from - 1);
    Tenancy tenancy = new Tenancy(gateway.client(), caller.organization());
    List<Pipeline> owned = gateway.pipelines().all().stream()
        .filter(p -> p.getSpec() != null && caller.organization().equals(p.getSpec().organization))
        .filter(p -> tenancy.owns(p.getMetadata().getNamespace()))
        .sorted(Comparator.comparing((Pipeline p) -> p.getMetadata().getNamespace())
            .thenComparing(p -> p.getMetadata().getName()))
        .toList();
    List<PipelineItem> items = new ArrayList<>();
    for (Pipeline p : owned.subList(Math.min(offset, owned.size()), Math.min(offset + n, owned.size()))) {
      String ns = p.getMetadata().getNamespace();
      String name = p.getMetadata().getName();
      List<BranchItem> branches = new ArrayList<>();
      for (RunRecord r : history.lastRunPerBranch(caller.organization(), ns, name)) {
        branches.add(new BranchItem(r.branch(), new LastRun(r.id(), r.number(), status(caller.organization(), r),
            r.createdAt())));
      }
      items.add(new PipelineItem(ns, name, p.getSpec().repository == null ? null : p.getSpec().repository.url,
          branches));
    }
    String next = offset + n < owned.size()
        ? "/api/v1/pipelines?limit=" + n + "&cursor=" + Cursors.encode("p", offset + n + 1L) : null;
    return new Page<>(items, next);
  }

  @GET
  @Path("runs")
  public Page<RunRecord> runs(@HeaderParam("Authorization") String authorization,
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor,
      @QueryParam("pipeline") String pipeline, @QueryParam("branch") String branch,
      @QueryParam("status") String status) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    int n = Cursors.limit(limit);
    String namespace = null;
    String name = null;
    if (pipeline != null) {
      int slash = pipeline.indexOf('/');
      if (slash < 1 || slash == pipeline.length() - 1 || pipeline.indexOf('/', slash + 1) >= 0) {
        throw ApiProblem.badRequest("pipeline must be <namespace>/<name>");
      }
      namespace = pipeline.substring(0, slash);
      name = pipeline.substring(slash + 1);
    }
    if (branch != null && !BRANCH.matcher(branch).matches()) {
      throw ApiProblem.badRequest("branch must be 1-200 characters of [A-Za-z0-9._/-]");
    }
    if (status != null && !RUN_STATUSES.contains(status)) {
      throw ApiProblem.badRequest("status must be one of " + RUN_STATUSES.stream().sorted().toList());
    }
    HistoryQueries.Page<RunRecord> p = history.runs(caller.organization(),
        new RunFilter(namespace, name, branch, status), Cursors.decode("r", cursor), n);
    StringBuilder query = new StringBuilder();
    param(query, "pipeline", pipeline);
    param(query, "branch", branch);
    param(query, "status", status);
    return new Page<>(p.items(), p.next() == null ? null
        : "/api/v1/runs?limit=" + n + query + "&cursor=" + Cursors.encode("r", p.next()));
  }

  @GET
  @Path("runs/{id}")
  public RunDetail run(@HeaderParam("Authorization") String authorization, @PathParam("id") String id) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    long runId;
    try {
      runId = Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw ApiProblem.notFound("no run " + id);
    }
    RunRecord r = history.run(caller.organization(), runId);
    if (r == null) {
      throw ApiProblem.notFound("no run " + id);
    }
    List<WorkflowView> workflows = archive.workflowsOfRun(caller.organization(), r.namespace(), r.pipeline(),
        r.number());
    return new RunDetail(r.id(), r.number(), new PipelineRef(r.namespace(), r.pipeline()),
        RunStatus.of(r.status(), workflows), r.status(), r.reason(), r.createdAt(), r.updatedAt(),
        new TriggerInfo(r.triggerSource(), r.branch(), r.tag(), r.revision(), r.commitSubject(),
            r.commitAuthorName(), r.actor(), r.prNumber() == null ? null : r.prNumber().longValue(), r.provider(),
            r.deliveryId(), r.commitAuthorEmail()), workflows);
  }

  @GET
  @Path("queue")
  public Queue queue(@HeaderParam("Authorization") String authorization) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    Organization org = gateway.client().resources(Organization.class).withName(caller.organization()).get();
    int capacity = org == null || org.getSpec() == null ? 0 : org.getSpec().maxConcurrent();
    int running = org == null || org.getStatus() == null || org.getStatus().running == null ? 0
        : org.getStatus().running;
    int queued = org == null || org.getStatus() == null || org.getStatus().queued == null ? 0
        : org.getStatus().queued;
    Tenancy tenancy = new Tenancy(gateway.client(), caller.organization());
    List<Waiting> waiting = new ArrayList<>();
    for (BuildView b : archive.waiting(caller.organization(), QUEUE_LIMIT)) {
      if (tenancy.owns(b.namespace())) {
        waiting.add(new Waiting(b.namespace(), b.name(), b.job(), b.workflow(),
            b.queuedAt() != null ? b.queuedAt() : b.createdAt(), b.queueReason()));
      }
    }
    return new Queue(caller.organization(), running, capacity, Math.max(queued, waiting.size()), waiting);
  }

  @GET
  @Path("deliveries")
  public Page<HistoryQueries.DeliveryRecord> deliveries(@HeaderParam("Authorization") String authorization,
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    ApiTokens.Holder caller = auth.require(authorization, Scope.READ);
    int n = Cursors.limit(limit);
    HistoryQueries.Page<HistoryQueries.DeliveryRecord> p =
        history.deliveries(caller.organization(), Cursors.decode("d", cursor), n);
    return new Page<>(p.items(), next("/api/v1/deliveries", "d", p.next(), n));
  }

  private String status(String organization, RunRecord r) {
    return RunStatus.of(r.status(), archive.workflowsOfRun(organization, r.namespace(), r.pipeline(), r.number()));
  }

  private static void param(StringBuilder query, String key, String value) {
    if (value != null) {
      query.append('&').append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  private static String next(String path, String kind, Long key, int limit) {
    return key == null ? null : path + "?limit=" + limit + "&cursor=" + Cursors.encode(kind, key);
  }
}
