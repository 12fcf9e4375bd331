package dev.circlet.gateway.webhook;

import java.util.List;

/** The outcome of parsing a verified webhook: events to build, a ping, or an event Circlet ignores. */
public sealed interface ParsedWebhook {
  /** Events that may start pipelines. */
  record Events(List<TriggerEvent> events) implements ParsedWebhook {
    public Events {
      events = List.copyOf(events);
    }
  }

  /** The VCS checking that the hook works. */
  record Ping() implements ParsedWebhook {}

  /** An event Circlet does not build (unknown type, closed PR, deleted branch), and why. */
  record Ignored(String reason) implements ParsedWebhook {}
}
