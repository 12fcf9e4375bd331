package dev.circlet.operator.reconciler;

import dev.circlet.api.v1alpha1.Organization;
import dev.circlet.api.v1alpha1.OrganizationSpec;
import dev.circlet.api.v1alpha1.OrganizationStatus;
import dev.circlet.operator.admission.AdmissionQueue.OrgPlan;
import dev.circlet.operator.metrics.CircletMetrics;
import dev.circlet.operator.status.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the admission queue's plan of each Organization current and reports its running and
 * queued counts in status, at most once per {@code statusInterval} so a burst of admissions
 * does not become a burst of status writes.
 */
public final class OrganizationReconciler implements Reconciler<Organization> {
  private final BuildAdmission admission;
  private final StatusWriter statusWriter;
  private final CircletMetrics metrics;
  private final Clock clock;
  private final Duration statusInterval;
  private final Map<String, Instant> lastWrite = new ConcurrentHashMap<>();
  private final Map<String, OrgPlan> plans = new ConcurrentHashMap<>();
  private final Set<String> due = ConcurrentHashMap.newKeySet();
  private final SimpleInboundEventSource<Organization> countsChanged = new SimpleInboundEventSource<>("counts");

  public OrganizationReconciler(BuildAdmission admission, StatusWriter statusWriter, CircletMetrics metrics,
      Clock clock, Duration statusInterval) {
    this.admission = admission;
    this.statusWriter = statusWriter;
    this.metrics = metrics;
    this.clock = clock;
    this.statusInterval = statusInterval;
    admission.onOrganizationChanged(this::countsChanged);
    metrics.bindQueueDepth(admission::queued);
  }

  /**
   * Every admission and every queued Build changes an Organization's counts; one reconcile per
   * change would cost a reconcile (and a status diff) per Build. Changes coalesce instead: an
   * Organization already due for a reconcile is not asked again until that reconcile starts.
   */
  private void countsChanged(String org) {
    if (due.add(org)) {
      countsChanged.propagateEvent(new ResourceID(org));
    }
  }

  /** The admission plan an Organization's spec describes. */
  public static OrgPlan plan(Organization org) {
    OrganizationSpec spec = org.getSpec() == null ? new OrganizationSpec() : org.getSpec();
    return new OrgPlan(org.getMetadata().getName(), spec.maxConcurrent(), spec.weightOrOne(), spec.maxQueuedBuilds);
  }

  @Override
  public List<EventSource<?, Organization>> prepareEventSources(EventSourceContext<Organization> context) {
    return List.of(countsChanged);
  }

  @Override
  public UpdateControl<Organization> reconcile(Organization org, Context<Organization> context) {
    String name = org.getMetadata().getName();
    // Cleared before the counts are read, so a change made while this reconcile runs asks again.
    due.remove(name);
    if (context.isPrimaryResourceDeleted()) {
      admission.removeOrganization(name);
      lastWrite.remove(name);
      plans.remove(name);
      return UpdateControl.noUpdate();
    }
    OrgPlan plan = plan(org);
    if (!plan.equals(plans.put(name, plan))) {
      admission.upsertOrganization(plan);
      metrics.organizations(List.of(name));
      admission.requestPass();
    }
    OrganizationStatus next = new OrganizationStatus();
    next.running = admission.holding(name);
    next.queued = admission.queued(name);
    next.observedGeneration = org.getMetadata().getGeneration();
    if (org.getStatus() != null && org.getStatus().conditions != null) {
      next.conditions = org.getStatus().conditions;
    }
    if (statusWriter.same(org.getStatus(), next)) {
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    Instant last = lastWrite.get(name);
    boolean specChanged = org.getStatus() == null
        || !java.util.Objects.equals(org.getStatus().observedGeneration, next.observedGeneration);
    if (!specChanged && last != null && now.isBefore(last.plus(statusInterval))) {
      // The write is already due at the end of the interval: changes until then need no reconcile.
      due.add(name);
      return UpdateControl.<Organization>noUpdate().rescheduleAfter(Duration.between(now, last.plus(statusInterval)));
    }
    if (statusWriter.write(org, next, context) != null) {
      lastWrite.put(name, now);
    }
    return UpdateControl.noUpdate();
  }
}
