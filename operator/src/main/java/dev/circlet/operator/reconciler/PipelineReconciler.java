package dev.circlet.operator.reconciler;

import dev.circlet.api.v1alpha1.Conditions;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineStatus;
import dev.circlet.config.BoundedCompiler;
import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.Diagnostic;
import dev.circlet.config.PipelineContext;
import dev.circlet.api.v1alpha1.CircletApi;
import dev.circlet.config.orbs.CachingOrbStore;
import dev.circlet.config.orbs.OrbRegistryClient;
import dev.circlet.config.orbs.OrbMapStore;
import dev.circlet.config.orbs.OrbMapStore.OrbMap;
import dev.circlet.config.orbs.OrbRegistrySettings;
import dev.circlet.operator.status.StatusWriter;
import dev.circlet.operator.tenancy.NamespaceOrganizations;
import dev.circlet.operator.tenancy.OrganizationBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Validates a Pipeline's inline CircleCI config with the config compiler and reports it: the
 * {@code ConfigValid} condition (with {@code line:column: message} of the first error) and the
 * workflows the config defines. Registry orbs come from the ConfigMaps vendored in the orb namespace
 * ({@link OrbMapStore}); when one of them changes, every Pipeline is validated again, so a
 * Pipeline waiting for a missing orb turns valid once the platform team adds it. When the orb
 * policy allows ({@link OrbRegistrySettings}), an orb missing from those ConfigMaps is fetched from
 * the registry and saved as one; the exact version of each reference is recorded on the status
 * and reused while the spec is unchanged.
 */
public final class PipelineReconciler implements Reconciler<Pipeline> {
  public static final String CONFIG_VALID = "ConfigValid";
  /** Whether the Pipeline's namespace may use its organization (label ci.circlet.dev/organization). */
  public static final String ORGANIZATION_BOUND = "OrganizationBound";
  static final String DEFAULT_CONFIG_PATH = ".circleci/config.yml";
  /** Compiles are CPU-bound; two threads keep one tenant's expensive config from holding them all. */
  private static final int COMPILE_THREADS = 2;

  private final String orbNamespace;
  private final KubernetesClient client;
  private NamespaceOrganizations bindings;
  private final StatusWriter statusWriter;
  private final Clock clock;
  private final OrbRegistrySettings registry;
  private final OrbRegistryClient registryClient;
  private volatile OrbMapStore orbCache = new OrbMapStore("", java.util.stream.Stream::empty);
  private final BoundedCompiler bounded = new BoundedCompiler(COMPILE_THREADS);

  /** @param orbNamespace where orb ConfigMaps are read from; null for no registry orbs */
  public PipelineReconciler(KubernetesClient client, String orbNamespace, StatusWriter statusWriter, Clock clock) {
    this(client, orbNamespace, OrbRegistrySettings.off(), statusWriter, clock);
  }

  /** @param registry when and where orbs missing from the orb ConfigMaps are fetched */
  public PipelineReconciler(KubernetesClient client, String orbNamespace, OrbRegistrySettings registry,
      StatusWriter statusWriter, Clock clock) {
    this.client = client;
    this.orbNamespace = orbNamespace;
    this.registry = orbNamespace == null ? OrbRegistrySettings.off() : registry;
    this.registryClient = this.registry.client();
    this.statusWriter = statusWriter;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, Pipeline>> prepareEventSources(EventSourceContext<Pipeline> context) {
    // A label set or changed on a namespace re-evaluates its Pipelines' OrganizationBound condition.
    var namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, Pipeline.class)
        .withName("organization-namespaces")
        .withWatchAllNamespaces()
        .withLabelSelector(CircletApi.LABEL_ORGANIZATION)
        .withSecondaryToPrimaryMapper(ns -> context.getPrimaryCache().list()
            .filter(p -> ns.getMetadata().getName().equals(p.getMetadata().getNamespace()))
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build(), context);
    bindings = NamespaceOrganizations.over(client, namespaces);
    if (orbNamespace == null) {
      return List.of(namespaces);
    }
    var orbs = new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, Pipeline.class)
        .withName("orbs")
        .withNamespaces(Set.of(orbNamespace))
        .withLabelSelector(CircletApi.LABEL_ORB_NAME)
        .withSecondaryToPrimaryMapper(cm -> context.getPrimaryCache().list()
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build(), context);
    orbCache = new OrbMapStore(orbNamespace, () -> orbs.list().map(cm -> new OrbMap(cm.getMetadata().getNamespace(),
        cm.getMetadata().getName(), cm.getMetadata().getLabels(), cm.getData())), this::createOrbConfigMap);
    return List.of(orbs, namespaces);
  }

  private void createOrbConfigMap(OrbMap orb) {
    ConfigMap cm = new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withNamespace(orb.namespace()).withName(orb.name()).withLabels(orb.labels()).endMetadata()
        .withData(orb.data()).build();
    try {
      client.configMaps().inNamespace(orb.namespace()).resource(cm).create();
    } catch (KubernetesClientException e) {
      // Another Pipeline saved the same release first (409), or the cache cannot be written: the
      // compile goes on with the fetched source, and the next one fetches again.
    }
  }

  @Override
  public UpdateControl<Pipeline> reconcile(Pipeline pipeline, Context<Pipeline> context) {
    if (context.isPrimaryResourceDeleted()) {
      return UpdateControl.noUpdate();
    }
    PipelineStatus before = pipeline.getStatus();
    PipelineStatus next = before == null ? new PipelineStatus() : statusWriter.copy(before, PipelineStatus.class);
    Long gen = pipeline.getMetadata().getGeneration();
    next.observedGeneration = gen;
    var spec = pipeline.getSpec();
    String path = spec.configPath == null || spec.configPath.isBlank() ? DEFAULT_CONFIG_PATH : spec.configPath;
    if (spec.config == null || spec.config.isBlank()) {
      next.workflows = new ArrayList<>();
      next.orbs = new TreeMap<>();
      Conditions.set(next.conditions, CONFIG_VALID, Conditions.UNKNOWN, "ConfigInRepository",
          "the config is read from " + path + " in the repository at each trigger", gen, clock.instant());
    } else {
      String branch = spec.repository == null || spec.repository.defaultBranch == null
          ? "main" : spec.repository.defaultBranch;
      // An unchanged spec compiles against the orb versions recorded for it; a changed one resolves again.
      Map<String, String> pins = before != null && gen != null && gen.equals(before.observedGeneration)
          && before.orbs != null ? before.orbs : Map.of();
      CachingOrbStore orbs = new CachingOrbStore(orbCache, registryClient, registry.policy(), pins);
      // Off this reconcile thread and within the compile limits: any failure is an invalid config.
      CompileResult result = bounded.validate(new ConfigCompiler(orbs), ConfigSource.of(path, spec.config),
          PipelineContext.branch(branch));
      next.orbs = new TreeMap<>(orbs.resolved());
      next.workflows = new ArrayList<>(result.workflowNames());
      if (result.ok()) {
        Conditions.set(next.conditions, CONFIG_VALID, Conditions.TRUE, "Valid",
            "the config compiles: " + result.workflowNames().size() + " workflow(s)", gen, clock.instant());
      } else {
        Diagnostic first = result.errors().get(0);
        String more = result.errors().size() > 1 ? " (and " + (result.errors().size() - 1) + " more errors)" : "";
        Conditions.set(next.conditions, CONFIG_VALID, Conditions.FALSE, "InvalidConfig",
            first.line() + ":" + first.column() + ": " + first.message() + more, gen, clock.instant());
      }
    }
    var unbound = bindings.problem(pipeline.getMetadata().getNamespace(), spec.organization);
    if (unbound.isPresent()) {
      Conditions.set(next.conditions, ORGANIZATION_BOUND, Conditions.FALSE, OrganizationBinding.REASON,
          unbound.get(), gen, clock.instant());
    } else {
      Conditions.set(next.conditions, ORGANIZATION_BOUND, Conditions.TRUE, "Bound", "namespace \""
          + pipeline.getMetadata().getNamespace() + "\" may use organization \"" + spec.organization + "\"",
          gen, clock.instant());
    }
    statusWriter.write(pipeline, next, context);
    // The namespace informer announces a new label; looking again now and then covers an event
    // lost in a watch restart, for the few Pipelines still waiting for an admin.
    return unbound.isPresent() ? UpdateControl.<Pipeline>noUpdate().rescheduleAfter(BuildReconciler.WAITING_RECHECK)
        : UpdateControl.noUpdate();
  }
}
