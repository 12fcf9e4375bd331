package dev.circlet.gateway.webhook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A delivery as it travels through the broker: who sent it, its delivery id (the key that makes a
 * replay create nothing new), and the events it carries. Deliveries of repositories no Pipeline
 * names travel too, so their record says so. A delivery of the API names its one Pipeline
 * ({@code target}, {@code namespace/name}) and its pipeline parameters instead of being matched by
 * repository. A delivery of a schedule ({@code schedule}) names its Pipeline and the schedule that
 * fired, whose name becomes {@code pipeline.schedule.name}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Delivery(String provider, String deliveryId, String eventType, List<TriggerEvent> events,
    String target, Map<String, Object> parameters, String schedule) {
  /** The provider of deliveries made by {@code POST /api/v1/pipelines/{ns}/{name}/runs}. */
  public static final String API = "api";
  /** The provider of deliveries made by a schedule's tick. */
  public static final String SCHEDULE = "schedule";
  /** The provider of deliveries that continue a setup run (id {@code run-<run id>}). */
  public static final String CONTINUATION = "continuation";

  public Delivery {
    events = events == null ? List.of() : List.copyOf(events);
  }

  public Delivery(String provider, String deliveryId, String eventType, List<TriggerEvent> events) {
    this(provider, deliveryId, eventType, events, null, null, null);
  }

  public Delivery(String provider, String deliveryId, String eventType, List<TriggerEvent> events, String target,
      Map<String, Object> parameters) {
    this(provider, deliveryId, eventType, events, target, parameters, null);
  }

  /** The trigger source the config is compiled with: api, scheduled_pipeline or webhook. */
  @JsonIgnore
  public String triggerSource() {
    return switch (provider) {
      case API -> "api";
      case SCHEDULE -> "scheduled_pipeline";
      default -> "webhook";
    };
  }
}
