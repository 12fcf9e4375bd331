package dev.circlet.gateway.vcs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Commit status settings ({@code circlet.gateway.status.*}). */
@ConfigMapping(prefix = "circlet.gateway.status")
public interface StatusSettings {
  /** Whether this process reports commit statuses. */
  @WithDefault("true")
  boolean enabled();

  /**
   * The hosts status calls may reach (host or host:port). Self-hosted GitHub, GitLab or Bitbucket
   * servers are added here by the platform admin, never by a tenant.
   */
  @WithDefault("api.github.com,gitlab.com,api.bitbucket.org")
  Set<String> apiHosts();

  /** The link on each status: {namespace}, {pipeline}, {number}, {workflow} and {name} are replaced. */
  Optional<String> targetUrl();

  @WithDefault("5")
  int maxAttempts();

  @WithDefault("1s")
  Duration firstBackoff();

  @WithDefault("30s")
  Duration maxBackoff();

  /** Calls a second per credential, after a burst of {@link #burst()}. */
  @WithDefault("5")
  double perSecond();

  @WithDefault("20")
  int burst();

  /** Failures in a row that open a credential's circuit breaker. */
  @WithDefault("5")
  int breakerThreshold();

  @WithDefault("1m")
  Duration breakerCooldown();

  /**
   * Whether one replica, the holder of the Lease {@link #leaseName()}, reports. Off only for a
   * gateway that runs as one process without a Lease it may write: every replica then reports.
   */
  @WithDefault("true")
  boolean leaderElection();

  @WithDefault("circlet-gateway-status")
  String leaseName();

  /** Namespace of the Lease; unset uses the gateway's own namespace. */
  Optional<String> leaseNamespace();

  /** Lanes (threads) that send statuses; a Workflow's statuses always take the same lane. */
  @WithDefault("4")
  int lanes();
}
