package dev.circlet.operator.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

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

  /** The runner image that goes into every build pod. */
  interface Runner {
    @WithDefault(OperatorSettings.DEFAULT_RUNNER_IMAGE)
    String image();

    @WithName("image-pull-policy")
    @WithDefault("IfNotPresent")
    String imagePullPolicy();
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
  }

  /** Finished runs in the cluster. */
  interface History {
    /** How long a finished Workflow (with its Builds and pods) or standalone Build is kept; 0 keeps them. */
    @WithName("finished-ttl")
    @WithDefault("24h")
    Duration finishedTtl();
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
