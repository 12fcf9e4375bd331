package dev.circlet.operator.reconciler;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.api.v1alpha1.WorkflowStatus;
import dev.circlet.operator.status.EventRecorder;
import dev.circlet.operator.status.Retention;
import dev.circlet.operator.status.StatusWriter;
import dev.circlet.operator.workflow.WorkflowPlanner;
import dev.circlet.operator.workflow.WorkflowPlanner.WorkflowPlan;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a Workflow into Builds: asks {@link WorkflowPlanner} what to create and cancel given its
 * Builds' phases, creates the Builds (create-only), requests cancellation on running ones, and
 * writes the planned status once.
 */
public final class WorkflowReconciler implements Reconciler<Workflow> {
  private final KubernetesClient client;
  private final WorkflowPlanner planner = new WorkflowPlanner();
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration finishedTtl;
  private InformerEventSource<Build, Workflow> builds;

  /** @param finishedTtl how long a finished Workflow is kept; null or zero keeps it */
  public WorkflowReconciler(KubernetesClient client, StatusWriter statusWriter, EventRecorder events, Clock clock,
      Duration finishedTtl) {
    this.client = client;
    this.statusWriter = statusWriter;
    this.events = events;
    this.clock = clock;
    this.finishedTtl = finishedTtl;
  }

  @Override
  public List<EventSource<?, Workflow>> prepareEventSources(EventSourceContext<Workflow> context) {
    builds = new InformerEventSource<>(InformerEventSourceConfiguration.from(Build.class, Workflow.class)
        .withName("workflow-builds")
        .withLabelSelector(CircletApi.LABEL_WORKFLOW)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Workflow.class))
        .build(), context);
    return List.of(builds);
  }

  @Override
  public UpdateControl<Workflow> reconcile(Workflow workflow, Context<Workflow> context) {
    if (context.isPrimaryResourceDeleted()) {
      return UpdateControl.noUpdate();
    }
    Map<String, BuildPhase> phases = new HashMap<>();
    Map<String, Build> byName = new HashMap<>();
    for (Build b : context.getSecondaryResources(Build.class)) {
      byName.put(b.getMetadata().getName(), b);
      phases.put(b.getMetadata().getName(),
          b.getStatus() == null || b.getStatus().phase == null ? BuildPhase.Queued : b.getStatus().phase);
    }
    WorkflowPlan plan = planner.plan(workflow, phases, clock.instant());
    for (Build b : plan.buildsToCreate()) {
      create(b, context);
    }
    for (String name : plan.buildsToCancel()) {
      Build b = byName.get(name);
      if (b != null && !b.getSpec().cancelRequested()) {
        requestCancel(b);
      }
    }
    WorkflowStatus before = workflow.getStatus();
    WorkflowStatus next = plan.status();
    Workflow written = statusWriter.write(workflow, next, context);
    WorkflowPhase was = before == null ? null : before.phase;
    if (written != null && next.phase != null && was != next.phase) {
      events.record(workflow, next.phase == WorkflowPhase.Failed ? EventRecorder.WARNING : EventRecorder.NORMAL,
          next.phase.name(), "Workflow is " + next.phase);
    }
    if (next.phase == null || !next.phase.isTerminal()) {
      return UpdateControl.noUpdate();
    }
    return Retention.remaining(next.finishedAt, finishedTtl, clock.instant())
        .map(left -> left.isZero() ? expire(workflow) : UpdateControl.<Workflow>noUpdate().rescheduleAfter(left))
        .orElse(UpdateControl.noUpdate());
  }

  /** Deletes a finished Workflow past its retention; its Builds, pods and Secrets go with it. */
  private UpdateControl<Workflow> expire(Workflow workflow) {
    client.resources(Workflow.class).inNamespace(workflow.getMetadata().getNamespace())
        .withName(workflow.getMetadata().getName()).delete();
    return UpdateControl.noUpdate();
  }

  private void create(Build build, Context<Workflow> context) {
    try {
      context.resourceOperations().create(build, builds);
    } catch (KubernetesClientException e) {
      // AlreadyExists: the Build was created by an earlier reconcile the cache has not shown yet.
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  /** Sets spec.cancel on a child Build; the Build's reconciler stops its pod. */
  private void requestCancel(Build build) {
    try {
      client.resources(Build.class).inNamespace(build.getMetadata().getNamespace())
          .withName(build.getMetadata().getName())
          .edit(b -> {
            b.getSpec().cancel = true;
            return b;
          });
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
    }
  }
}
