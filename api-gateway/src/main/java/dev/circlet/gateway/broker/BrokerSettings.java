package dev.circlet.gateway.broker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The gateway's RabbitMQ settings ({@code circlet.gateway.broker.*}). */
@ConfigMapping(prefix = "circlet.gateway.broker")
public interface BrokerSettings {
  @WithDefault("localhost")
  String host();

  @WithDefault("5672")
  int port();

  @WithDefault("guest")
  String username();

  @WithDefault("guest")
  String password();

  /** TLS to the broker, with the JVM's trusted certificates and host-name verification. */
  @WithDefault("false")
  boolean tls();

  @WithDefault("/")
  String virtualHost();

  /** The quorum queue deliveries travel through. */
  @WithDefault("circlet.deliveries")
  String queue();

  /** Attempts before a delivery goes to the dead-letter queue. */
  @WithDefault("5")
  int deliveryLimit();

  /** How long a webhook waits for the broker's confirm before it is answered 503. */
  @WithDefault("10s")
  Duration confirmTimeout();

  /** Consumer channels, each processing one delivery at a time. */
  @WithDefault("4")
  int consumers();

  @WithDefault("10")
  int prefetch();

  /** Pause before a failed delivery is requeued. */
  @WithDefault("2s")
  Duration retryPause();

  /** Whether this process consumes deliveries (off for a webhook-only replica). */
  @WithDefault("true")
  boolean consume();
}
