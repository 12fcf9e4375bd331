package dev.circlet.operator.runtime;

import dev.circlet.config.orbs.OrbPolicy;
import dev.circlet.config.orbs.OrbRegistrySettings;
import dev.circlet.operator.pod.BuildPodFactory;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** The operator's configuration keys, under {@code circlet.}. */
@ConfigMapping(prefix = "circlet")
public interface OperatorConfig {
  Runner runner();

  Admission admission();

  /** Namespaces whose Pipelines, Workflows and Builds are reconciled; unset watches all. */
  Optional<List<String>> namespaces();

  @WithName("leader-election")
  LeaderElection leaderElection();

  Reconcile reconcile();

  Build build();

  Orbs orbs();

  History history();

  Kubernetes kubernetes();

  /** How the informers fill their caches at start ({@link StartupSettings}). */
  interface Kubernetes {
    /** Items per page of the informers' lists of Builds, Workflows, Pipelines and build pods; 0 for one response. */
    @WithName("list-page-size")
    @WithDefault("500")
    long listPageSize();

    /** Request timeout of JOSDK's client: each page of the informers' lists, and writes through the reconcile context. */
    @WithName("list-timeout")
    @WithDefault("60s")
    Duration listTimeout();

    /** How long start-up waits for one informer's first sync before carrying on (unready, still retrying). */
    @WithName("cache-sync-timeout")
    @WithDefault("10m")
    Duration cacheSyncTimeout();
  }

  default StartupSettings startupSettings() {
    return new StartupSettings(kubernetes().listPageSize(), kubernetes().listTimeout(), kubernetes().cacheSyncTimeout());
  }

  /** The runner image that goes into every build pod. */
  interface Runner {
    @WithDefault(OperatorSettings.DEFAULT_RUNNER_IMAGE)
    String image();

    @WithName("image-pull-policy")
    @WithDefault("IfNotPresent")
    String imagePullPolicy();

    /** ServiceAccount of build pods; it needs no RBAC (the pod mounts no API token). */
    @WithName("service-account")
    @WithDefault(BuildPodFactory.DEFAULT_SERVICE_ACCOUNT)
    String serviceAccount();

    /** Audience of the projected token that proves a build pod's identity to the gateway. */
    @WithName("token-audience")
    @WithDefault(BuildPodFactory.DEFAULT_TOKEN_AUDIENCE)
    String tokenAudience();

    /** The gateway's runner API ({@code host:port}) the agent streams to; unset streams nothing. */
    Optional<String> gateway();

    /** The agent talks to the gateway without TLS (inside a trusted network only). */
    @WithName("gateway-plaintext")
    @WithDefault("false")
    boolean gatewayPlaintext();
  }

  /** The build pods' settings. */
  default BuildPodFactory.PodSettings podSettings() {
    return new BuildPodFactory.PodSettings(runner().image(), runner().imagePullPolicy(), runner().serviceAccount(),
        runner().tokenAudience(), runner().gateway().orElse(null), runner().gatewayPlaintext());
  }

  /** Admission. */
  interface Admission {
    /** Most Builds admitted or running across the cluster; unset means no cap. */
    @WithName("cluster-max-builds")
    OptionalInt clusterMaxBuilds();

    /**
     * Shortest interval between two status writes of one Organization: its counts are a summary,
     * so a burst of admissions costs one write per Organization per interval, not one per Build.
     */
    @WithName("organization-status-interval")
    @WithDefault("10s")
    Duration organizationStatusInterval();
  }

  /** Leader election between replicas. */
  interface LeaderElection {
    @WithDefault("true")
    boolean enabled();

    @WithName("lease-name")
    @WithDefault(OperatorSettings.DEFAULT_LEASE_NAME)
    String leaseName();

    /** Namespace of the Lease; unset uses the operator's own namespace. */
    @WithName("lease-namespace")
    Optional<String> leaseNamespace();

    /** This replica's identity; unset uses the pod name (HOSTNAME). */
    Optional<String> identity();
  }

  /** Reconciliation. */
  interface Reconcile {
    /** Reconciler threads shared by all controllers. */
    @WithDefault("64")
    int threads();
  }

  /** Build handling. */
  interface Build {
    /** How long a pod may be stuck (image pull back-off, …) before its Build fails. */
    @WithName("stuck-grace")
    @WithDefault("5m")
    Duration stuckGrace();

    /**
     * How long the node of a running build pod may be NotReady, Unknown or without a Lease
     * renewal before the Build fails with NodeLost and its pod is removed.
     */
    @WithName("node-lost-grace")
    @WithDefault("60s")
    Duration nodeLostGrace();
  }

  /** Registry orbs for Pipeline validation. */
  interface Orbs {
    /** Namespace of the orb ConfigMaps; unset uses circlet-system, never the kubeconfig's namespace. */
    Optional<String> namespace();

    /** Fetching orbs missing from the orb ConfigMaps. */
    Registry registry();
  }

  /** The orb registry and the policy for asking it. */
  interface Registry {
    /** {@code off} (vendor every orb), {@code allow-listed} (only {@link #namespaces()}) or {@code on}. */
    @WithDefault("off")
    String policy();

    /** Orb namespaces {@code allow-listed} fetches, e.g. {@code circleci}. */
    Optional<List<String>> namespaces();

    /** The registry's GraphQL endpoint. */
    @WithDefault("https://circleci.com/graphql-unstable")
    URI url();

    @WithDefault("3s")
    Duration timeout();
  }

  /** Finished runs in the cluster. */
  interface History {
    /** How long a finished Workflow (with its Builds and pods) or standalone Build is kept; 0 keeps them. */
    @WithName("finished-ttl")
    @WithDefault("24h")
    Duration finishedTtl();
  }

  /** The orb registry settings, validated: a policy value that is not one of the three fails start-up. */
  default OrbRegistrySettings orbRegistry() {
    Registry r = orbs().registry();
    return new OrbRegistrySettings(r.url(), OrbPolicy.parse(r.policy(), Set.copyOf(r.namespaces().orElse(List.of()))),
        r.timeout());
  }

  default OperatorSettings toSettings() {
    return new OperatorSettings(
        runner().image(),
        runner().imagePullPolicy(),
        admission().clusterMaxBuilds().isPresent() ? admission().clusterMaxBuilds().getAsInt() : null,
        namespaces().map(java.util.Set::copyOf).orElse(java.util.Set.of()),
        leaderElection().enabled(),
        leaderElection().leaseName(),
        leaderElection().leaseNamespace().orElse(null),
        leaderElection().identity().orElse(null),
        true,
        reconcile().threads(),
        build().stuckGrace(),
        admission().organizationStatusInterval(),
        orbs().namespace().orElse(null),
        history().finishedTtl(),
        build().nodeLostGrace());
  }
}
