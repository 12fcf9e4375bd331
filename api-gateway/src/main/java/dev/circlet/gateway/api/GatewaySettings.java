package dev.circlet.gateway.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Webhook limits and caches ({@code circlet.gateway.webhook.*}). */
@ConfigMapping(prefix = "circlet.gateway.webhook")
public interface GatewaySettings {
  /** GitHub sends payloads up to 25 MB. */
  @WithDefault("26214400")
  long githubMaxBytes();

  @WithDefault("10485760")
  long gitlabMaxBytes();

  @WithDefault("10485760")
  long bitbucketMaxBytes();

  /** How old the snapshot of webhook secrets may get. */
  @WithDefault("30s")
  Duration secretsMaxAge();

  /** Timeout of the git fetch that reads a config from a repository. */
  @WithDefault("60")
  long gitTimeoutSeconds();
}
