package dev.circlet.gateway.webhook;

import java.util.List;

/**
 * A verified webhook delivery as it travels through the broker: who sent it, its delivery id
 * (the key that makes a replay create nothing new), and the events it carries. Deliveries of
 * repositories no Pipeline names travel too, so their record says so.
 */
public record Delivery(String provider, String deliveryId, String eventType, List<TriggerEvent> events) {
  public Delivery {
    events = events == null ? List.of() : List.copyOf(events);
  }
}
