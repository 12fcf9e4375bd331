package dev.circlet.gateway.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A delivery as it travels through the broker: who sent it, its delivery id (the key that makes a
 * replay create nothing new), and the events it carries. Deliveries of repositories no Pipeline
 * names travel too, so their record says so. A delivery of the API names its one Pipeline
 * ({@code target}, {@code namespace/name}) and its pipeline parameters instead of being matched by
 * repository.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Delivery(String provider, String deliveryId, String eventType, List<TriggerEvent> events,
    String target, Map<String, Object> parameters) {
  /** The provider of deliveries made by {@code POST /api/v1/pipelines/{ns}/{name}/runs}. */
  public static final String API = "api";

  public Delivery {
    events = events == null ? List.of() : List.copyOf(events);
  }

  public Delivery(String provider, String deliveryId, String eventType, List<TriggerEvent> events) {
    this(provider, deliveryId, eventType, events, null, null);
  }
}
