package dev.circlet.gateway.trigger;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.gateway.history.DeliveryStore;
import dev.circlet.gateway.webhook.Delivery;
import dev.circlet.gateway.webhook.TriggerEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one delivery into pipeline runs and Workflows, idempotently: the delivery row (unique on
 * provider and delivery id) drops replays once finished; each run's key (delivery, event, Pipeline)
 * keeps its pipeline number across redeliveries, so Workflow names repeat and a create after a
 * crash meets its own Workflow and adopts it. The caller acks only after {@link Action#ACK}.
 */
public final class DeliveryProcessor {
  private final DeliveryStore store;
  private final PipelineCatalog catalog;
  private final ConfigLoader configs;
  private final RunPlanner planner;
  private final WorkflowSink sink;
  private final SetupRuns setup;

  public DeliveryProcessor(DeliveryStore store, PipelineCatalog catalog, ConfigLoader configs, RunPlanner planner,
      WorkflowSink sink) {
    this(store, catalog, configs, planner, sink, null);
  }

  /** @param setup dynamic configuration; null where continuations are not served */
  public DeliveryProcessor(DeliveryStore store, PipelineCatalog catalog, ConfigLoader configs, RunPlanner planner,
      WorkflowSink sink, SetupRuns setup) {
    this.store = store;
    this.catalog = catalog;
    this.configs = configs;
    this.planner = planner;
    this.sink = sink;
    this.setup = setup;
  }

  /**
   * The key of the run that event {@code index} of a delivery makes for one Pipeline; the API
   * allocates its run under the same key before publishing, so the consumer finds that run.
   */
  public static String runKey(String provider, String deliveryId, int index, String namespace, String pipeline) {
    return provider + "/" + deliveryId + "/" + index + "/" + namespace + "/" + pipeline;
  }

  /** What to tell the broker: ack, try again later, or dead-letter now. */
  public enum Action { ACK, RETRY, REJECT }

  public record Outcome(Action action, String reason) {}

  public Outcome process(Delivery d) {
    DeliveryStore.DeliveryState state = store.begin(d.provider(), d.deliveryId(), d.eventType());
    if (state.finished()) {
      return new Outcome(Action.ACK, "delivery " + d.deliveryId() + " was already processed");
    }
    try {
      if (Delivery.CONTINUATION.equals(d.provider())) {
        if (setup == null) {
          store.finish(d.provider(), d.deliveryId(), "failed", "continuations are not served here");
          return new Outcome(Action.REJECT, "continuations are not served here");
        }
        SetupRuns.Result r = setup.continueRun(d, catalog, planner, sink);
        store.finish(d.provider(), d.deliveryId(), r.created() ? "created" : "nothing", r.line());
        return new Outcome(Action.ACK, r.created() ? "created" : "nothing");
      }
      List<String> created = new ArrayList<>();
      List<String> nothing = new ArrayList<>();
      for (int i = 0; i < d.events().size(); i++) {
        TriggerEvent e = d.events().get(i);
        List<Pipeline> pipelines = d.target() != null ? target(d.target()) : matching(e);
        if (pipelines.isEmpty()) {
          nothing.add(d.target() != null ? "the Pipeline " + d.target() + " does not exist"
              : "no Pipeline names the repository " + e.repositoryUrls().get(0));
          continue;
        }
        String source = d.triggerSource();
        for (Pipeline p : pipelines) {
          String runKey = runKey(d.provider(), d.deliveryId(), i, p.getMetadata().getNamespace(),
              p.getMetadata().getName());
          DeliveryStore.Run run = store.allocate(new DeliveryStore.RunRequest(p.getMetadata().getNamespace(),
              p.getMetadata().getName(), runKey, d.provider(), d.deliveryId(), source, e.branch(), e.tag(),
              e.revision(), e.actor(), p.getSpec() == null ? null : p.getSpec().organization, e.commitSubject(),
              e.commitAuthorName(), e.commitAuthorEmail(), e.pullRequest()));
          Map<String, Object> parameters = d.parameters() == null ? Map.of() : d.parameters();
          RunResult r = runOne(p, new RunPlanner.RunTrigger(e, source, d.deliveryId(), runKey, parameters, d.schedule()), run);
          (r.created() ? created : nothing).add(r.line());
        }
      }
      String status = created.isEmpty() ? "nothing" : "created";
      List<String> all = new ArrayList<>(created);
      all.addAll(nothing);
      store.finish(d.provider(), d.deliveryId(), status, String.join("; ", all));
      return new Outcome(Action.ACK, status);
    } catch (WorkflowConflictException e) {
      store.finish(d.provider(), d.deliveryId(), "failed", e.getMessage());
      return new Outcome(Action.REJECT, e.getMessage());
    } catch (RuntimeException e) {
      String reason = "attempt " + state.attempts() + ": " + e;
      store.finish(d.provider(), d.deliveryId(), "failed", reason);
      return new Outcome(Action.RETRY, reason);
    }
  }

  /** Whether a run created Workflows, and a line for the delivery record. */
  record RunResult(boolean created, String line) {}

  /**
   * Creates one run's Workflows, or records why it creates none. A run already finished (an earlier
   * attempt got that far) is not planned again. Returns a line for the delivery record.
   */
  RunResult runOne(Pipeline p, RunPlanner.RunTrigger trigger, DeliveryStore.Run run) {
    String name = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName() + " #" + run.number();
    if (!"pending".equals(run.status())) {
      return new RunResult("created".equals(run.status()),
          name + ": " + run.status() + (run.reason() == null ? " " + run.workflows() : " (" + run.reason() + ")"));
    }
    ConfigLoader.Loaded config;
    try {
      config = configs.load(p, revision(trigger.event()));
    } catch (ConfigLoader.ConfigNotFoundException e) {
      store.finishRun(run.id(), "invalid_config", e.getMessage(), List.of());
      return new RunResult(false, name + ": invalid_config (" + e.getMessage() + ")");
    }
    RunPlanner.Plan plan = planner.plan(p, trigger, run.number(), config);
    if (plan instanceof RunPlanner.Plan.Nothing n) {
      store.finishRun(run.id(), n.status(), n.reason(), List.of());
      return new RunResult(false, name + ": " + n.status() + " (" + n.reason() + ")");
    }
    List<String> names = new ArrayList<>();
    List<dev.circlet.api.v1alpha1.Workflow> workflows = ((RunPlanner.Plan.Create) plan).workflows();
    if (setup != null && SetupRuns.isSetup(config.text())) {
      setup.prepare(run.id(), workflows);
    }
    for (var wf : workflows) {
      sink.createOrAdopt(wf);
      names.add(wf.getMetadata().getName());
    }
    store.finishRun(run.id(), "created", null, names);
    return new RunResult(true, name + ": created " + String.join(", ", names));
  }

  /** The revision to read the config at: the commit when known, else the branch or tag (API triggers). */
  static String revision(TriggerEvent e) {
    if (e.revision() != null) {
      return e.revision();
    }
    return e.tag() != null ? "refs/tags/" + e.tag() : e.branch() == null ? null : "refs/heads/" + e.branch();
  }

  private List<Pipeline> target(String target) {
    int slash = target.indexOf('/');
    Pipeline p = slash < 0 ? null : catalog.named(target.substring(0, slash), target.substring(slash + 1));
    return p == null ? List.of() : List.of(p);
  }

  private List<Pipeline> matching(TriggerEvent e) {
    Map<String, Pipeline> out = new LinkedHashMap<>();
    for (String url : e.repositoryUrls()) {
      for (Pipeline p : catalog.forRepository(RepositoryUrls.normalise(url))) {
        out.putIfAbsent(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p);
      }
    }
    return new ArrayList<>(out.values());
  }
}
