package dev.circlet.gateway.trigger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.api.v1alpha1.JobSpec;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.gateway.continuation.ContinuationKeys;
import dev.circlet.gateway.continuation.ContinuationStore;
import dev.circlet.gateway.history.DeliveryStore;
import dev.circlet.gateway.webhook.Delivery;
import dev.circlet.gateway.webhook.TriggerEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dynamic configuration: a run whose config says {@code setup: true} waits for one continuation,
 * and its setup jobs get {@code CIRCLE_CONTINUATION_KEY}; an accepted continuation arrives as a
 * delivery of provider {@code continuation} and creates the continued config's Workflows under the
 * same pipeline number, exactly once (their run key is the setup run's key with {@code /continued}).
 */
public final class SetupRuns {
  /** The job variable that carries the continuation key, as on CircleCI. */
  public static final String KEY_VARIABLE = "CIRCLE_CONTINUATION_KEY";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContinuationStore continuations;
  private final DeliveryStore store;
  private final Clock clock;
  private final Duration ttl;

  /** @param ttl how long a setup run accepts its continuation */
  public SetupRuns(ContinuationStore continuations, DeliveryStore store, Clock clock, Duration ttl) {
    this.continuations = continuations;
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
  }

  /** Whether a config's top level says {@code setup: true}. */
  public static boolean isSetup(String configText) {
    return dev.circlet.config.SetupConfig.isSetup(configText);
  }

  /** Opens the run's continuation and hands its key to every job of the setup Workflows. */
  void prepare(long runId, List<Workflow> workflows) {
    continuations.open(runId, clock.instant().plus(ttl));
    String key = ContinuationKeys.key(continuations.secret(), runId);
    for (Workflow wf : workflows) {
      for (JobSpec job : wf.getSpec().jobs) {
        job.environment.put(KEY_VARIABLE, key);
      }
    }
  }

  /** What a continuation delivery created, and a line for the delivery record. */
  record Result(boolean created, String line) {}

  Result continueRun(Delivery d, PipelineCatalog catalog, RunPlanner planner, WorkflowSink sink) {
    long runId;
    try {
      runId = Long.parseLong(d.deliveryId().substring("run-".length()));
    } catch (RuntimeException e) {
      return new Result(false, "not a continuation delivery id: " + d.deliveryId());
    }
    ContinuationStore.Waiting w = continuations.get(runId);
    if (w == null || !("continued".equals(w.status()) || "done".equals(w.status()))) {
      return new Result(false, "run " + runId + " has no accepted continuation");
    }
    String name = w.namespace() + "/" + w.pipeline() + " #" + w.number();
    Pipeline p = catalog.named(w.namespace(), w.pipeline());
    if (p == null) {
      continuations.done(runId);
      return new Result(false, name + ": the Pipeline no longer exists");
    }
    String url = p.getSpec().repository == null ? null : p.getSpec().repository.url;
    TriggerEvent e = new TriggerEvent(w.tag() != null ? TriggerEvent.TAG : TriggerEvent.PUSH,
        url == null ? List.of() : List.of(url), w.branch(), w.tag(), w.revision(), null, null, null, null, w.actor(),
        null);
    Map<String, Object> parameters;
    try {
      parameters = w.parameters() == null ? Map.of()
          : JSON.readValue(w.parameters(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException ex) {
      throw new IllegalStateException("the continuation's parameters of run " + runId + " do not read", ex);
    }
    RunPlanner.RunTrigger trigger = new RunPlanner.RunTrigger(e, w.triggerSource(), d.deliveryId(),
        w.runKey() + "/continued", parameters, null);
    RunPlanner.Plan plan = planner.plan(p, trigger, w.number(),
        new ConfigLoader.Loaded("continuation", w.configuration()));
    if (plan instanceof RunPlanner.Plan.Nothing n) {
      continuations.done(runId);
      return new Result(false, name + " continued: " + n.status() + " (" + n.reason() + ")");
    }
    List<String> names = new ArrayList<>();
    for (Workflow wf : ((RunPlanner.Plan.Create) plan).workflows()) {
      sink.createOrAdopt(wf);
      names.add(wf.getMetadata().getName());
    }
    store.addWorkflows(runId, names);
    continuations.done(runId);
    return new Result(true, name + " continued: created " + String.join(", ", names));
  }
}
