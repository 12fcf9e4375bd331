package dev.circlet.operator.reconciler;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.api.v1alpha1.WorkflowStatus;
import dev.circlet.operator.runtime.CacheSync;
import dev.circlet.operator.status.EventPolicy;
import dev.circlet.operator.status.EventRecorder;
import dev.circlet.operator.status.Retention;
import dev.circlet.api.naming.Names;
import dev.circlet.operator.status.StatusWriter;
import dev.circlet.operator.runtime.CacheTrimming;
import dev.circlet.operator.tenancy.NamespaceOrganizations;
import dev.circlet.operator.tenancy.OrganizationBinding;
import dev.circlet.operator.workflow.WorkflowPlanner;
import dev.circlet.operator.workflow.WorkflowPlanner.WorkflowPlan;
import io.fabric8.kubernetes.api.model.Namespace;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a Workflow into Builds: asks {@link WorkflowPlanner} what to create and cancel given its
 * Builds' phases, creates the Builds (create-only), requests cancellation on running ones, and
 * writes the planned status once.
 */
public final class WorkflowReconciler implements Reconciler<Workflow> {
  /** Condition that reports a Build name taken by an object that is not this Workflow's Build. */
  public static final String CONDITION_BUILDS_CREATED = "BuildsCreated";

  private final KubernetesClient client;
  private final WorkflowPlanner planner = new WorkflowPlanner();
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration finishedTtl;
  private InformerEventSource<Build, Workflow> builds;
  private final CacheSync cachesSynced = new CacheSync();
  private NamespaceOrganizations bindings;

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
        .withInformerListLimit(context.getControllerConfiguration().getInformerConfig().getInformerListLimit())
        // Ownership, labels, cancel and phase: a second whole copy of every Build would double the heap.
        .withItemStore(CacheTrimming.storeFor(context.getControllerConfiguration().getEffectiveNamespaces(),
            CacheTrimming::workflowBuild))
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Workflow.class))
        .build(), context);
    InformerEventSource<Namespace, Workflow> namespaces = NamespaceOrganizations.informer(Workflow.class, context);
    bindings = NamespaceOrganizations.over(client, namespaces);
    return List.of(builds, namespaces);
  }

  @Override
  public UpdateControl<Workflow> reconcile(Workflow workflow, Context<Workflow> context) {
    if (context.isPrimaryResourceDeleted()) {
      return UpdateControl.noUpdate();
    }
    if (!cachesSynced.synced(context, builds)) {
      // A Build missing from a partial cache would look never created.
      return UpdateControl.<Workflow>noUpdate().rescheduleAfter(CacheSync.RECHECK);
    }
    Map<String, BuildPhase> phases = new HashMap<>();
    Map<String, Build> byName = new HashMap<>();
    for (Build b : context.getSecondaryResources(Build.class)) {
      if (!controlledBy(b, workflow)) {
        // Named after this Workflow in its owner references, but not created by it.
        continue;
      }
      byName.put(b.getMetadata().getName(), b);
      phases.put(b.getMetadata().getName(),
          b.getStatus() == null || b.getStatus().phase == null ? BuildPhase.Queued : b.getStatus().phase);
    }
    boolean finished = workflow.getStatus() != null && workflow.getStatus().phase != null
        && workflow.getStatus().phase.isTerminal();
    var unbound = finished ? java.util.Optional.<String>empty()
        : bindings.problem(workflow.getMetadata().getNamespace(), workflow.getSpec().organization);
    WorkflowPlan plan = unbound.isPresent()
        ? planner.refuse(workflow, phases, OrganizationBinding.REASON, unbound.get(), clock.instant())
        : planner.plan(workflow, phases, clock.instant());
    List<String> taken = new ArrayList<>();
    for (Build b : plan.buildsToCreate()) {
      String problem = create(b, workflow, context);
      if (problem != null) {
        taken.add(problem);
      }
    }
    for (String name : plan.buildsToCancel()) {
      Build b = byName.get(name);
      if (b != null && !b.getSpec().cancelRequested()) {
        requestCancel(b);
      }
    }
    WorkflowStatus before = workflow.getStatus();
    WorkflowStatus next = plan.status();
    if (!taken.isEmpty()) {
      Conditions.set(next.conditions, CONDITION_BUILDS_CREATED, Conditions.FALSE, "BuildNameTaken",
          String.join("; ", taken), workflow.getMetadata().getGeneration(), clock.instant());
    } else if (Conditions.find(next.conditions, CONDITION_BUILDS_CREATED) != null) {
      Conditions.set(next.conditions, CONDITION_BUILDS_CREATED, Conditions.TRUE, "Created",
          "every planned Build exists", workflow.getMetadata().getGeneration(), clock.instant());
    }
    Workflow written = statusWriter.write(workflow, next, context);
    WorkflowPhase was = before == null ? null : before.phase;
    if (written != null) {
      EventPolicy.forWorkflow(was, next.phase).ifPresent(type -> events.record(
          workflow, type, next.phase.name(), "Workflow is " + next.phase));
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

  /**
   * Creates a planned Build. On {@code AlreadyExists} the existing Build is accepted only when it is
   * this Workflow's Build of the same job and node (an earlier reconcile the cache has not shown
   * yet); anything else is reported, never adopted.
   *
   * @return why the Build could not be created, or null
   */
  private String create(Build build, Workflow workflow, Context<Workflow> context) {
    try {
      context.resourceOperations().create(build, builds);
      return null;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
    String name = build.getMetadata().getName();
    Build found = client.resources(Build.class).inNamespace(build.getMetadata().getNamespace()).withName(name).get();
    if (found == null || isExpected(found, build, workflow)) {
      return null;
    }
    return "Build " + name + " of job \"" + build.getSpec().job.name + "\" exists and was not created by this Workflow";
  }

  /** Same controller (this Workflow's uid), same job label, same node index. */
  static boolean isExpected(Build found, Build planned, Workflow workflow) {
    if (!controlledBy(found, workflow) || found.getSpec() == null) {
      return false;
    }
    Map<String, String> labels = found.getMetadata().getLabels();
    return labels != null
        && Names.labelValue(planned.getSpec().job.name).equals(labels.get(CircletApi.LABEL_JOB))
        && Objects.equals(found.getSpec().parallelIndex, planned.getSpec().parallelIndex);
  }

  private static boolean controlledBy(Build build, Workflow workflow) {
    String uid = workflow.getMetadata().getUid();
    var owners = build.getMetadata().getOwnerReferences();
    return uid != null && owners != null && owners.stream().anyMatch(o -> Boolean.TRUE.equals(o.getController())
        && "Workflow".equals(o.getKind()) && uid.equals(o.getUid()));
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
