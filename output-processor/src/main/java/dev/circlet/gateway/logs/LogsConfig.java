package dev.circlet.gateway.logs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code circlet.logs.*}: the output processor's hot buffer, limits and upload pacing. */
@ConfigMapping(prefix = "circlet.logs")
public interface LogsConfig {
  /** Redis holding the hot buffer (run it with appendonly yes, appendfsync always). */
  @WithDefault("redis://127.0.0.1:6379")
  String redisUrl();

  /** Password of the hot buffer's Redis, when it needs one (kept apart from the URL: from a Secret). */
  java.util.Optional<String> redisPassword();

  /** Per-step cap of stored output; later output is dropped with a marker. */
  @WithDefault("67108864")
  long stepCapBytes();

  /** Per-step bound of output waiting in the hot buffer for object storage. */
  @WithDefault("16777216")
  long hotMaxBytes();

  @WithDefault("1048576")
  int segmentBytes();

  /** Output waits at most this long in the hot buffer before a (smaller) segment is written. */
  @WithDefault("2s")
  Duration flushAfter();

  @WithDefault("200ms")
  Duration retryMin();

  @WithDefault("30s")
  Duration retryMax();

  @WithDefault("100ms")
  Duration uploadInterval();

  @WithDefault("1048576")
  int maxChunkBytes();

  /** How long a stream waits for room in a full hot buffer before failing with UNAVAILABLE. */
  @WithDefault("5m")
  Duration fullWait();

  /** Audience of the projected ServiceAccount tokens runners present (the operator's {@code circlet.runner.token-audience}). */
  @WithDefault("circlet.dev/runner")
  String runnerAudience();

  /**
   * ServiceAccount (in the machine pools' namespace) of the tokens the operator issues to
   * machine-executor VMs, bound to each VM's identity Secret; empty accepts pod tokens only.
   */
  @WithDefault("circlet-machine")
  String machineServiceAccount();

  /** How often live tail looks for new output. */
  @WithDefault("50ms")
  Duration tailPoll();
}
