package dev.circlet.operator.runtime;

import java.time.Duration;
import java.util.Set;

/**
 * Everything the embedded operator needs to know, independent of where it came from (Quarkus
 * configuration in production, a test harness or the benchmark).
 *
 * @param clusterMaxBuilds most Builds holding a slot in the cluster; null for no cap
 * @param namespaces namespaces to watch; empty watches all
 * @param leaseNamespace namespace of the leader-election Lease; null uses the client's namespace
 * @param identity this replica's name in the Lease; null uses the host name
 * @param exitOnLostLeadership exit the JVM when the Lease is lost (a restarted pod rejoins as a
 *     standby); off in tests, where several operators share one JVM
 * @param orbNamespace namespace of the vendored orb ConfigMaps; null uses {@link #DEFAULT_OPERATOR_NAMESPACE}
 * @param finishedTtl how long a finished Workflow (with its Builds) or standalone Build is kept;
 *     null or zero keeps them
 * @param nodeLostGrace how long a build pod's node may be NotReady, Unknown or silent before the
 *     Build fails with {@code NodeLost}
 */
public record OperatorSettings(
    String runnerImage,
    String runnerImagePullPolicy,
    Integer clusterMaxBuilds,
    Set<String> namespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    String identity,
    boolean exitOnLostLeadership,
    int reconcileThreads,
    Duration stuckGrace,
    Duration organizationStatusInterval,
    String orbNamespace,
    Duration finishedTtl,
    Duration nodeLostGrace) {

  /** Finished runs are kept this long unless configured otherwise. */
  public static final Duration DEFAULT_FINISHED_TTL = Duration.ofHours(24);

  /** A build pod's node may be lost this long before its Build fails. */
  public static final Duration DEFAULT_NODE_LOST_GRACE = Duration.ofSeconds(60);

  public static final String DEFAULT_RUNNER_IMAGE = "ghcr.io/circlet/runner:0.1.0";
  public static final String DEFAULT_LEASE_NAME = "circlet-operator-leader";
  /** The operator's namespace when none is configured: where orb ConfigMaps are read from. */
  public static final String DEFAULT_OPERATOR_NAMESPACE = "circlet-system";

  public OperatorSettings {
    namespaces = namespaces == null ? Set.of() : Set.copyOf(namespaces);
    nodeLostGrace = nodeLostGrace == null ? DEFAULT_NODE_LOST_GRACE : nodeLostGrace;
  }

  /** Defaults for tests and tools: no leader election, no cluster cap, all namespaces. */
  public static OperatorSettings defaults() {
    return new OperatorSettings(DEFAULT_RUNNER_IMAGE, "IfNotPresent", null, Set.of(), false,
        DEFAULT_LEASE_NAME, null, null, false, 64, Duration.ofMinutes(5), Duration.ofSeconds(2), null,
        DEFAULT_FINISHED_TTL, DEFAULT_NODE_LOST_GRACE);
  }

  public OperatorSettings withClusterMaxBuilds(Integer max) {
    return new OperatorSettings(runnerImage, runnerImagePullPolicy, max, namespaces, leaderElection,
        leaseName, leaseNamespace, identity, exitOnLostLeadership, reconcileThreads, stuckGrace,
        organizationStatusInterval, orbNamespace, finishedTtl, nodeLostGrace);
  }

  public OperatorSettings withFinishedTtl(Duration ttl) {
    return new OperatorSettings(runnerImage, runnerImagePullPolicy, clusterMaxBuilds, namespaces, leaderElection,
        leaseName, leaseNamespace, identity, exitOnLostLeadership, reconcileThreads, stuckGrace,
        organizationStatusInterval, orbNamespace, ttl, nodeLostGrace);
  }

  public OperatorSettings withOrbNamespace(String namespace) {
    return new OperatorSettings(runnerImage, runnerImagePullPolicy, clusterMaxBuilds, namespaces, leaderElection,
        leaseName, leaseNamespace, identity, exitOnLostLeadership, reconcileThreads, stuckGrace,
        organizationStatusInterval, namespace, finishedTtl, nodeLostGrace);
  }

  /** Leader election on, in-process (no exit when the Lease is lost). */
  public OperatorSettings withLeaderElection(String leaseNamespace, String identity) {
    return new OperatorSettings(runnerImage, runnerImagePullPolicy, clusterMaxBuilds, namespaces, true,
        leaseName, leaseNamespace, identity, false, reconcileThreads, stuckGrace, organizationStatusInterval,
        orbNamespace, finishedTtl, nodeLostGrace);
  }

  public OperatorSettings withNodeLostGrace(Duration grace) {
    return new OperatorSettings(runnerImage, runnerImagePullPolicy, clusterMaxBuilds, namespaces, leaderElection,
        leaseName, leaseNamespace, identity, exitOnLostLeadership, reconcileThreads, stuckGrace,
        organizationStatusInterval, orbNamespace, finishedTtl, grace);
  }
}
