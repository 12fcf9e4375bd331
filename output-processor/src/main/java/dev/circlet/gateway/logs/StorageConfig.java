package dev.circlet.gateway.logs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** {@code circlet.storage.*}: the S3-compatible object store. */
@ConfigMapping(prefix = "circlet.storage")
public interface StorageConfig {
  /** Endpoint of an S3-compatible server; absent means AWS S3 itself. */
  Optional<URI> endpoint();

  @WithDefault("us-east-1")
  String region();

  @WithDefault("circlet")
  String bucket();

  /** Absent (as in a gateway that serves no build output) is an empty key; uploads then fail and retry. */
  Optional<String> accessKey();

  Optional<String> secretKey();

  @WithDefault("true")
  boolean pathStyle();

  @WithDefault("10s")
  Duration timeout();

  /** Lifetime of presigned URLs handed to runners. */
  @WithDefault("15m")
  Duration transferTtl();
}
