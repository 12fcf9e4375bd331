package dev.circlet.operator.reconciler;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.api.v1alpha1.ExecutorKind;
import dev.circlet.api.v1alpha1.Organization;
import dev.circlet.api.v1alpha1.OrganizationSpec;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.Timestamps;
import dev.circlet.operator.admission.AdmissionQueue.Candidate;
import dev.circlet.operator.metrics.CircletMetrics;
import dev.circlet.operator.node.NodeLiveness;
import dev.circlet.api.naming.Names;
import dev.circlet.operator.pod.BuildPodFactory;
import dev.circlet.operator.pod.ContextSecrets;
import dev.circlet.operator.pod.PodStatusMapper;
import dev.circlet.operator.pod.PodStatusMapper.PodObservation;
import dev.circlet.operator.runtime.CacheSync;
import dev.circlet.operator.runtime.CacheTrimming;
import dev.circlet.operator.status.BuildStatusChanges;
import dev.circlet.operator.status.EventPolicy;
import dev.circlet.operator.status.EventRecorder;
import dev.circlet.operator.status.Retention;
import dev.circlet.operator.status.StatusWriter;
import dev.circlet.operator.tenancy.NamespaceOrganizations;
import dev.circlet.operator.tenancy.OrganizationBinding;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Drives a Build through Queued → Admitted → Running → a terminal phase: asks admission for a
 * slot, launches the agent Secret and the Pod, maps the Pod to the Build's status, and enforces
 * cancel and timeout. Status is computed in memory and written once at the end of a reconcile.
 */
public final class BuildReconciler implements Reconciler<Build> {
  /**
   * A Build waiting for its Organization or ResourceClass to appear is woken by that object's
   * informer; it also looks again after this long, so that an event missed in a race between
   * informers never leaves it queued for good.
   */
  static final Duration WAITING_RECHECK = Duration.ofSeconds(15);

  static final String DEFAULT_RESOURCE_CLASS = "medium";

  /** Where kubelets renew their node's Lease. */
  static final String NODE_LEASE_NAMESPACE = "kube-node-lease";

  private final BuildAdmission admission;
  private final BuildLauncher launcher;
  private final PodStatusMapper mapper = new PodStatusMapper();
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final CircletMetrics metrics;
  private final Clock clock;
  private final Duration stuckGrace;
  private final Duration finishedTtl;
  private final NodeLiveness nodeLiveness;
  private final KubernetesClient client;
  /** Machine-executor Builds; null when this operator runs docker jobs only. */
  private final MachineBuilds machines;
  private final CacheSync cachesSynced = new CacheSync();
  private final SimpleInboundEventSource<Build> wakeUps = new SimpleInboundEventSource<>("admission");
  private InformerEventSource<Pod, Build> pods;
  private InformerEventSource<ResourceClass, Build> resourceClasses;
  private InformerEventSource<Organization, Build> organizations;
  private InformerEventSource<Pipeline, Build> pipelines;
  /** Context Secret informers by namespace, or one under {@link #ANY_NAMESPACE}. */
  private java.util.Map<String, InformerEventSource<Secret, Build>> contexts;
  private static final String ANY_NAMESPACE = "";
  private InformerEventSource<Node, Build> nodes;
  private InformerEventSource<Lease, Build> nodeLeases;
  private IndexerResourceCache<Build> builds;
  private NamespaceOrganizations bindings;

  public BuildReconciler(KubernetesClient client, BuildAdmission admission, BuildPodFactory factory, StatusWriter statusWriter,
      EventRecorder events, CircletMetrics metrics, Clock clock, Duration stuckGrace, Duration finishedTtl,
      Duration nodeLostGrace) {
    this(client, admission, factory, statusWriter, events, metrics, clock, stuckGrace, finishedTtl, nodeLostGrace,
        null, 0);
  }

  /**
   * @param machineBackend where machine-executor Builds get their VMs; null to fail them as unsupported
   * @param assignPort the port a warm VM's agent listens on for its job
   */
  public BuildReconciler(KubernetesClient client, BuildAdmission admission, BuildPodFactory factory,
      StatusWriter statusWriter, EventRecorder events, CircletMetrics metrics, Clock clock, Duration stuckGrace,
      Duration finishedTtl, Duration nodeLostGrace, dev.circlet.operator.machine.KubeVirtBackend machineBackend,
      int assignPort) {
    this.client = client;
    this.machines = machineBackend == null ? null : new MachineBuilds(client, machineBackend, assignPort);
    this.nodeLiveness = new NodeLiveness(nodeLostGrace);
    this.finishedTtl = finishedTtl;
    this.admission = admission;
    this.launcher = new BuildLauncher(client, factory, metrics);
    this.statusWriter = statusWriter;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.stuckGrace = stuckGrace;
    admission.onAdmitted(wakeUps::propagateEvent);
  }

  @Override
  public List<EventSource<?, Build>> prepareEventSources(EventSourceContext<Build> context) {
    builds = context.getPrimaryCache();
    metrics.bindBuilds(() -> builds.list());
    pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, Build.class)
        .withName("pods")
        .withLabelSelector(CircletApi.LABEL_BUILD)
        // Paged like the Builds: every build pod of the cluster is one list at start.
        .withInformerListLimit(context.getControllerConfiguration().getInformerConfig().getInformerListLimit())
        // Metadata, node and status only: the pod spec and its job.json stay on the API server.
        .withItemStore(CacheTrimming.storeFor(context.getControllerConfiguration().getEffectiveNamespaces(),
            CacheTrimming::pod))
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Build.class))
        .build(), context);
    resourceClasses = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ResourceClass.class, Build.class)
            .withName("resourceclasses")
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(rc -> queuedBuilds(b -> rc.getMetadata().getName().equals(resourceClassOf(b))))
            .build(), context);
    organizations = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Organization.class, Build.class)
            .withName("organizations")
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(o -> queuedBuilds(b -> o.getMetadata().getName().equals(b.getSpec().organization)))
            .build(), context);
    pipelines = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pipeline.class, Build.class)
            .withName("pipelines")
            .withSecondaryToPrimaryMapper(p -> Set.of())
            .build(), context);
    // Context Secrets: the cache keeps names and labels only, never the values (the pod mounts them).
    // One informer per watched namespace when there are several, so each has its own reduced store
    // (see CacheTrimming.ownStore); one over all namespaces, or the one namespace, otherwise.
    Set<String> watched = context.getControllerConfiguration().getEffectiveNamespaces();
    contexts = new java.util.LinkedHashMap<>();
    if (CacheTrimming.ownStore(watched)) {
      contexts.put(ANY_NAMESPACE, contextSecrets(context, "contexts", null));
    } else {
      for (String ns : new java.util.TreeSet<>(watched)) {
        contexts.put(ns, contextSecrets(context, "contexts-" + ns, ns));
      }
    }
    InformerEventSource<Namespace, Build> namespaces = NamespaceOrganizations.informer(Build.class, context);
    bindings = NamespaceOrganizations.over(client, namespaces);
    // Nodes: the cache keeps names and conditions only. A change of Ready wakes the Builds on the
    // node; a node that stays lost is found by the requeue at the end of its grace.
    nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, Build.class)
        .withName("nodes")
        .withWatchAllNamespaces()
        .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Node.class,
            context.getClient().getKubernetesSerialization(), "status.conditions"))
        .withOnUpdateFilter((fresh, old) -> !readyStatus(fresh).equals(readyStatus(old)))
        .withSecondaryToPrimaryMapper(n -> buildsOnNode(n.getMetadata().getName()))
        .build(), context);
    // Node Leases: renewals are read when a Build's node is judged, never turned into events.
    nodeLeases = new InformerEventSource<>(InformerEventSourceConfiguration.from(Lease.class, Build.class)
        .withName("nodeleases")
        .withNamespaces(Set.of(NODE_LEASE_NAMESPACE))
        .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Lease.class,
            context.getClient().getKubernetesSerialization(), "spec.renewTime"))
        .withSecondaryToPrimaryMapper(l -> Set.of())
        .build(), context);
    List<EventSource<?, Build>> sources = new java.util.ArrayList<>(
        List.of(pods, resourceClasses, organizations, pipelines, namespaces, nodes, nodeLeases, wakeUps));
    sources.addAll(contexts.values());
    return sources;
  }

  private InformerEventSource<Secret, Build> contextSecrets(EventSourceContext<Build> context, String name, String namespace) {
    var config = InformerEventSourceConfiguration.from(Secret.class, Build.class)
        .withName(name)
        .withLabelSelector(CircletApi.LABEL_CONTEXT)
        .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Secret.class,
            context.getClient().getKubernetesSerialization(), "metadata.labels"))
        .withSecondaryToPrimaryMapper(s -> queuedBuilds(b -> b.getMetadata().getNamespace().equals(s.getMetadata().getNamespace())
            && b.getSpec().job != null && b.getSpec().job.contexts.contains(s.getMetadata().getLabels().get(CircletApi.LABEL_CONTEXT))));
    if (namespace != null) {
      config.withNamespaces(Set.of(namespace));
    }
    return new InformerEventSource<>(config.build(), context);
  }

  @Override
  public UpdateControl<Build> reconcile(Build build, Context<Build> context) {
    String key = BuildAdmission.key(build);
    if (context.isPrimaryResourceDeleted()) {
      admission.forget(key, build.getSpec() == null ? null : build.getSpec().organization);
      return UpdateControl.noUpdate();
    }
    if (!cachesSynced.synced(context, pods)) {
      // Slots are rebuilt from these caches and pods found in them: never from part of a list.
      return UpdateControl.<Build>noUpdate().rescheduleAfter(CacheSync.RECHECK);
    }
    admission.seedOnce(builds.list()::iterator, this::hasPod);
    BuildStatus before = build.getStatus();
    BuildStatus next = before == null ? new BuildStatus() : statusWriter.copy(before, BuildStatus.class);
    // The pod's name is derived from the Build's: one cache lookup instead of a scan of the
    // secondary-resource index on every reconcile.
    Pod pod = ownPod(build);
    Duration requeue = step(build, next, pod, context, clock.instant());
    Build written = statusWriter.write(build, next, context);
    if (written != null && next.phase != BuildPhase.Queued) {
      admission.grantRecorded(key);
    }
    if (written != null) {
      EventPolicy.forBuild(before == null ? null : before.phase, next.phase).ifPresent(type -> events.record(
          build, type, next.phase.name(), next.message == null ? "Build is " + next.phase : next.message));
    }
    if (next.phase.isTerminal() && !ownedByWorkflow(build)) {
      // A Workflow's Builds go with their Workflow; a standalone Build has its own retention.
      requeue = Retention.remaining(next.finishedAt, finishedTtl, clock.instant()).orElse(null);
      if (requeue != null && requeue.isZero()) {
        client.resources(Build.class).inNamespace(build.getMetadata().getNamespace())
            .withName(build.getMetadata().getName()).delete();
        return UpdateControl.noUpdate();
      }
    }
    UpdateControl<Build> control = UpdateControl.noUpdate();
    return requeue == null ? control : control.rescheduleAfter(requeue);
  }

  private static boolean ownedByWorkflow(Build build) {
    var owners = build.getMetadata().getOwnerReferences();
    return owners != null && owners.stream().anyMatch(o -> "Workflow".equals(o.getKind()));
  }

  private Duration step(Build build, BuildStatus next, Pod pod, Context<Build> context, Instant now) {
    String key = BuildAdmission.key(build);
    String org = build.getSpec().organization;
    Long gen = build.getMetadata().getGeneration();
    if (next.phase != null && next.phase.isTerminal()) {
      admission.forget(key, org);
      if ((next.phase == BuildPhase.Canceled || next.phase == BuildPhase.TimedOut) && pod != null
          && !mapper.map(pod, now).phase().isTerminal()) {
        launcher.stop(pod);
      }
      return null;
    }
    BuildStatusChanges.queued(next, gen, now);
    var kind = build.getSpec().job.executor == null ? null : build.getSpec().job.executor.kind;
    if (kind == ExecutorKind.MACHINE && machines != null) {
      return machineStep(build, next, gen, now);
    }
    if (build.getSpec().cancelRequested()) {
      launcher.stop(pod);
      BuildStatusChanges.end(next, BuildPhase.Canceled, "Canceled", "the Build was canceled", null, now, gen);
      admission.forget(key, org);
      return null;
    }
    if (next.phase == BuildPhase.Queued && pod == null) {
      // Before anything of the organization is touched: its queue, slots, serial groups, classes.
      var unbound = bindings.problem(build.getMetadata().getNamespace(), org);
      if (unbound.isPresent()) {
        admission.forget(key, null);
        BuildStatusChanges.end(next, BuildPhase.Failed, OrganizationBinding.REASON, unbound.get(), null, now, gen);
        return null;
      }
    }
    var executor = build.getSpec().job.executor;
    if (executor != null && executor.kind != ExecutorKind.DOCKER) {
      return unsupported(next, key, org, executor.kind, gen, now);
    }
    ResourceClass rc = resourceClasses.get(new ResourceID(resourceClassOf(build))).orElse(null);
    if (next.phase == BuildPhase.Queued) {
      if (rc == null) {
        admission.forget(key, org);
        BuildStatusChanges.waiting(next, "UnknownResourceClass",
            "resource class \"" + resourceClassOf(build) + "\" does not exist", gen, now);
        return WAITING_RECHECK;
      }
      if (rc.getSpec().executor != ExecutorKind.DOCKER) {
        return unsupported(next, key, org, rc.getSpec().executor, gen, now);
      }
      ContextSecrets.Resolution ctx = contextSecrets(build);
      if (!ctx.ok() && pod == null) {
        // Waits without a slot, like an unknown resource class; the Secret's informer wakes it.
        admission.forget(key, org);
        BuildStatusChanges.waiting(next, ctx.reason(), ctx.message(), gen, now);
        return WAITING_RECHECK;
      }
      BuildLauncher.Prepared prepared = pod == null ? launcher.prepare(build, rc, cloneSecret(build), ctx.secretNames()) : null;
      if (prepared != null && prepared.rejection() != null) {
        // The pod could never be created: fail now rather than hold a slot for ever.
        admission.forget(key, org);
        BuildLauncher.Launch rejected = prepared.rejection();
        BuildStatusChanges.end(next, BuildPhase.Failed, rejected.reason(), rejected.failure(), null, now, gen);
        return null;
      }
      if (!admit(build, next, pod, rc, gen, now)) {
        // Waits for capacity end through admission passes in this process; only waits on objects
        // that other informers deliver are rechecked.
        return "UnknownOrganization".equals(next.reason) ? WAITING_RECHECK : null;
      }
      BuildLauncher.Launch launched = pod != null ? new BuildLauncher.Launch(pod, null, null)
          : launcher.launch(build, prepared, null, context, pods);
      if (launched.failure() != null) {
        admission.forget(key, org);
        BuildStatusChanges.end(next, BuildPhase.Failed, launched.reason(), launched.failure(), null, now, gen);
        return null;
      }
      pod = launched.pod();
      BuildStatusChanges.admitted(next, pod.getMetadata().getName(), rc.getSpec().nodePool, gen, now);
      metrics.admitted(Duration.between(Timestamps.parse(next.queuedAt), now));
      // The new pod's first state goes into the same status write, so the pod's ADD event finds
      // nothing left to write.
      BuildStatusChanges.observe(next, mapper.map(pod, now), gen, now);
      if (next.phase.isTerminal()) {
        admission.forget(key, org);
        return null;
      }
      return timeoutLeft(build, next, now);
    }
    admission.hold(key, org, BuildAdmission.serialGroup(build));
    if (pod == null && next.phase == BuildPhase.Admitted && rc != null) {
      ContextSecrets.Resolution ctx = contextSecrets(build);
      if (!ctx.ok()) {
        BuildStatusChanges.end(next, BuildPhase.Failed, ctx.reason(), ctx.message(), null, now, gen);
        admission.forget(key, org);
        return null;
      }
      BuildLauncher.Launch launched = launcher.launch(
          build, launcher.prepare(build, rc, cloneSecret(build), ctx.secretNames()), null, context, pods);
      if (launched.failure() != null) {
        BuildStatusChanges.end(next, BuildPhase.Failed, launched.reason(), launched.failure(), null, now, gen);
        admission.forget(key, org);
        return null;
      }
      pod = launched.pod();
    }
    PodObservation observed = mapper.map(pod, now);
    BuildStatusChanges.observe(next, observed, gen, now);
    if (!next.phase.isTerminal() && observed.stuck()) {
      Instant since = BuildStatusChanges.notReadySince(next);
      if (since != null && !now.isBefore(since.plus(stuckGrace))) {
        launcher.stop(pod);
        BuildStatusChanges.end(next, BuildPhase.Failed, observed.reason(), observed.message(), null, now, gen);
      }
    }
    NodeLiveness.Verdict node = next.phase.isTerminal() ? null : judgeNode(pod, now);
    if (node != null && node.lost()) {
      // The node cannot report the pod nor finish deleting it: remove it outright.
      launcher.forceDelete(pod);
      BuildStatusChanges.end(next, BuildPhase.Failed, NodeLiveness.REASON, node.message(), null, now, gen);
    }
    if (next.phase.isTerminal()) {
      admission.forget(key, org);
      return null;
    }
    Duration left = timeoutLeft(build, next, now);
    if (left.isZero()) {
      launcher.stop(pod);
      BuildStatusChanges.end(next, BuildPhase.TimedOut, "TimedOut",
          "the Build ran longer than its timeout of " + timeoutSeconds(build) + "s", null, now, gen);
      admission.forget(key, org);
      return null;
    }
    Duration requeue = observed.stuck()
        ? Duration.ofSeconds(Math.min(left.toSeconds() + 1, stuckGrace.toSeconds() + 1)) : left;
    if (node != null && node.recheck() != null && node.recheck().compareTo(requeue) < 0) {
      // Just past the end of the node's grace, so the next look finds it lost rather than almost.
      requeue = node.recheck().plusMillis(200);
    }
    return requeue;
  }

  /** A machine-executor Build: admission, its VM, the VM's state, cancel and timeout. */
  private Duration machineStep(Build build, BuildStatus next, Long gen, Instant now) {
    String key = BuildAdmission.key(build);
    String org = build.getSpec().organization;
    boolean queued = next.phase == BuildPhase.Queued;
    if (queued && !build.getSpec().cancelRequested()) {
      var unbound = bindings.problem(build.getMetadata().getNamespace(), org);
      if (unbound.isPresent()) {
        admission.forget(key, null);
        BuildStatusChanges.end(next, BuildPhase.Failed, OrganizationBinding.REASON, unbound.get(), null, now, gen);
        return null;
      }
    }
    ResourceClass rc = resourceClasses.get(new ResourceID(resourceClassOf(build))).orElse(null);
    dev.circlet.api.v1alpha1.MachinePool pool = null;
    if (rc != null && rc.getSpec().executor == ExecutorKind.MACHINE) {
      pool = machines.pool(rc, next, gen, now);
    }
    if (build.getSpec().cancelRequested()) {
      machines.release(pool, build);
      BuildStatusChanges.end(next, BuildPhase.Canceled, "Canceled", "the Build was canceled", null, now, gen);
      admission.forget(key, org);
      return null;
    }
    if (rc == null) {
      admission.forget(key, org);
      String message = "resource class \"" + resourceClassOf(build) + "\" does not exist";
      if (!queued) {
        BuildStatusChanges.end(next, BuildPhase.Failed, "UnknownResourceClass", message, null, now, gen);
        return null;
      }
      BuildStatusChanges.waiting(next, "UnknownResourceClass", message, gen, now);
      return WAITING_RECHECK;
    }
    if (rc.getSpec().executor != ExecutorKind.MACHINE) {
      admission.forget(key, org);
      BuildStatusChanges.end(next, BuildPhase.Failed, MachineBuilds.REASON_WRONG_CLASS, "a machine job needs a"
          + " resource class with executor: machine; \"" + rc.getMetadata().getName() + "\" is "
          + rc.getSpec().executor.name().toLowerCase(java.util.Locale.ROOT), null, now, gen);
      return null;
    }
    if (pool == null) {
      admission.forget(key, org);
      if (!queued && !next.phase.isTerminal()) {
        BuildStatusChanges.end(next, BuildPhase.Failed, MachineBuilds.REASON_UNKNOWN_POOL, next.message, null, now,
            gen);
      }
      return next.phase.isTerminal() ? null : WAITING_RECHECK;
    }
    if (queued) {
      List<String> contextNames = build.getSpec().job.contexts;
      if (contextNames != null && !contextNames.isEmpty()) {
        admission.forget(key, org);
        BuildStatusChanges.end(next, BuildPhase.Failed, "ContextsNotOnMachines", "contexts are not delivered to"
            + " machine-executor VMs: a VM holds no Secret of its namespace", null, now, gen);
        return null;
      }
      if (!admit(build, next, null, rc, gen, now)) {
        return "UnknownOrganization".equals(next.reason) ? WAITING_RECHECK : null;
      }
      if (!machines.claim(build, pool, rc, next, 1, gen, now)) {
        // The pool is full: the slot goes back to the organization while the Build waits.
        admission.forget(key, org);
        return MachineBuilds.POOL_RECHECK;
      }
      metrics.admitted(Duration.between(Timestamps.parse(next.queuedAt), now));
    }
    admission.hold(key, org, BuildAdmission.serialGroup(build));
    Duration left = timeoutLeft(build, next, now);
    if (left.isZero()) {
      machines.release(pool, build);
      BuildStatusChanges.end(next, BuildPhase.TimedOut, "TimedOut",
          "the Build ran longer than its timeout of " + timeoutSeconds(build) + "s", null, now, gen);
      admission.forget(key, org);
      return null;
    }
    MachineBuilds.Step step = machines.follow(build, pool, rc, next, gen, now);
    if (step.releaseSlot() || next.phase.isTerminal()) {
      admission.forget(key, org);
      return null;
    }
    return step.requeue().compareTo(left) < 0 ? step.requeue() : left;
  }

  /** The verdict on the node of a bound pod; null when the pod is not on a node. */
  private NodeLiveness.Verdict judgeNode(Pod pod, Instant now) {
    String nodeName = pod == null || pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (nodeName == null || nodeName.isEmpty()) {
      return null;
    }
    Node node = nodes.get(new ResourceID(nodeName)).orElse(null);
    Lease lease = nodeLeases.get(new ResourceID(nodeName, NODE_LEASE_NAMESPACE)).orElse(null);
    Instant boundAt = pod.getStatus() == null || pod.getStatus().getConditions() == null ? null
        : pod.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType()))
            .map(c -> Timestamps.parse(c.getLastTransitionTime())).filter(java.util.Objects::nonNull)
            .findFirst().orElse(null);
    if (boundAt == null) {
      boundAt = Timestamps.parse(pod.getMetadata().getCreationTimestamp());
    }
    return nodeLiveness.judge(nodeName, NodeLiveness.NodeState.of(node, lease), boundAt, now);
  }

  private static String readyStatus(Node node) {
    if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
      return "";
    }
    return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
        .map(c -> String.valueOf(c.getStatus())).findFirst().orElse("");
  }

  /** Builds whose pod runs on the node (by their status): they are judged again when it changes. */
  private Set<ResourceID> buildsOnNode(String nodeName) {
    if (builds == null) {
      return Set.of();
    }
    return builds.list()
        .filter(b -> b.getStatus() != null && b.getStatus().phase != null && !b.getStatus().phase.isTerminal())
        .filter(b -> nodeName.equals(b.getStatus().nodeName))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** Whether the Build holds a slot now; when it does not, the status says why it waits. */
  private boolean admit(Build build, BuildStatus next, Pod pod, ResourceClass rc, Long gen, Instant now) {
    String key = BuildAdmission.key(build);
    String orgName = build.getSpec().organization;
    Organization org = organizations.get(new ResourceID(orgName)).orElse(null);
    if (org != null) {
      admission.upsertOrganization(OrganizationReconciler.plan(org));
      List<String> allowed = org.getSpec().allowedResourceClasses;
      if (allowed != null && !allowed.isEmpty() && !allowed.contains(rc.getMetadata().getName())) {
        admission.forget(key, orgName);
        BuildStatusChanges.waiting(next, "ResourceClassNotAllowed", "organization \"" + orgName
            + "\" may not use resource class \"" + rc.getMetadata().getName() + "\"", gen, now);
        return false;
      }
    }
    if (pod != null) {
      // A pod from before a restart holds its slot whatever the status says.
      admission.hold(key, orgName, BuildAdmission.serialGroup(build));
      return true;
    }
    if (admission.granted(key)) {
      return true;
    }
    int requested = build.getSpec().priorityOrZero();
    int priority = org != null ? org.getSpec().boundedPriority(requested)
        : new OrganizationSpec().boundedPriority(requested);
    Candidate candidate = new Candidate(key, orgName, priority,
        Timestamps.parse(next.queuedAt), BuildAdmission.serialGroup(build));
    if (!admission.offer(candidate)) {
      BuildStatusChanges.end(next, BuildPhase.Failed, "QueueFull",
          "organization \"" + orgName + "\" has reached its most queued Builds", null, now, gen);
      return false;
    }
    if (admission.admitNow(key)) {
      return true;
    }
    BuildStatusChanges.waiting(next, admission.waitingReason(key).orElse("Waiting: waiting for a build slot"), gen, now);
    return false;
  }

  private Duration unsupported(BuildStatus next, String key, String org, ExecutorKind kind, Long gen, Instant now) {
    admission.forget(key, org);
    BuildStatusChanges.unsupported(next, "the " + kind.name().toLowerCase(java.util.Locale.ROOT)
        + " executor is not supported by this operator yet: only docker jobs run as pods", gen, now);
    return null;
  }

  private Duration timeoutLeft(Build build, BuildStatus s, Instant now) {
    Instant start = Timestamps.parse(s.startedAt != null ? s.startedAt : s.admittedAt);
    if (start == null) {
      return Duration.ofSeconds(timeoutSeconds(build));
    }
    Duration left = Duration.between(now, start.plusSeconds(timeoutSeconds(build)));
    return left.isNegative() ? Duration.ZERO : left;
  }

  private static long timeoutSeconds(Build build) {
    Long t = build.getSpec().timeoutSeconds;
    return t == null || t < 1 ? BuildPodFactory.DEFAULT_TIMEOUT_SECONDS : t;
  }

  private String cloneSecret(Build build) {
    String pipeline = build.getSpec().pipeline;
    if (pipeline == null) {
      return null;
    }
    return pipelines.get(new ResourceID(pipeline, build.getMetadata().getNamespace()))
        .map(p -> p.getSpec().repository == null ? null : p.getSpec().repository.cloneSecretRef)
        .orElse(null);
  }

  private ContextSecrets.Resolution contextSecrets(Build build) {
    List<String> names = build.getSpec().job == null ? List.of() : build.getSpec().job.contexts;
    if (names == null || names.isEmpty()) {
      return new ContextSecrets.Resolution(List.of(), null, null);
    }
    return ContextSecrets.resolve(names, build.getMetadata().getNamespace(),
        contexts.getOrDefault(build.getMetadata().getNamespace(), contexts.get(ANY_NAMESPACE))
            .list(build.getMetadata().getNamespace()).toList());
  }

  private Pod ownPod(Build b) {
    return pods.get(new ResourceID(Names.pod(b.getMetadata().getName()), b.getMetadata().getNamespace()))
        .filter(p -> BuildPodFactory.isOurs(p, b)).orElse(null);
  }

  private boolean hasPod(Build b) {
    return ownPod(b) != null;
  }

  static String resourceClassOf(Build b) {
    String rc = b.getSpec().job == null ? null : b.getSpec().job.resourceClass;
    return rc == null || rc.isBlank() ? DEFAULT_RESOURCE_CLASS : rc;
  }

  private Set<ResourceID> queuedBuilds(Predicate<Build> matching) {
    if (builds == null) {
      return Set.of();
    }
    return builds.list()
        .filter(b -> b.getStatus() == null || b.getStatus().phase == null || b.getStatus().phase == BuildPhase.Queued)
        .filter(matching)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
