package dev.circlet.gateway.schedule;

import dev.circlet.gateway.broker.ConfirmedPublisher;
import dev.circlet.gateway.trigger.DeliveryHandler;
import dev.circlet.gateway.webhook.Delivery;
import dev.circlet.gateway.webhook.TriggerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fires a tick through the same queue and consumer as webhooks and API triggers: a delivery of
 * provider {@code schedule} naming the Pipeline, the branch and the schedule. Its delivery id is
 * derived from (Pipeline, schedule, tick), so a tick queued twice (a claim taken over after its
 * lease) still makes one run.
 */
public final class QueuedScheduleFiring implements ScheduleFiring {
  private final ConfirmedPublisher publisher;
  private final Duration confirmTimeout;

  public QueuedScheduleFiring(ConfirmedPublisher publisher, Duration confirmTimeout) {
    this.publisher = publisher;
    this.confirmTimeout = confirmTimeout;
  }

  /** The delivery of a tick. */
  public static Delivery delivery(ScheduleEntry e, Instant tick) {
    String url = e.repositoryUrl();
    String target = e.namespace() + "/" + e.pipeline();
    String deliveryId = target + "/" + e.key() + "/" + tick;
    TriggerEvent event = new TriggerEvent(TriggerEvent.PUSH, url == null ? List.of() : List.of(url), e.branch(),
        null, null, null, null, null, null, "schedule:" + e.scheduleName(), null);
    return new Delivery(Delivery.SCHEDULE, deliveryId, "schedule", List.of(event), target, Map.of(),
        e.scheduleName());
  }

  @Override
  public void fire(ScheduleEntry e, Instant tick) {
    Delivery d = delivery(e, tick);
    try {
      publisher.publish(Map.of("provider", d.provider(), "delivery", d.deliveryId()), DeliveryHandler.encode(d))
          .get(confirmTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while queueing " + d.deliveryId(), ex);
    } catch (ExecutionException | TimeoutException ex) {
      throw new IllegalStateException("the broker did not confirm " + d.deliveryId() + ": " + ex, ex);
    }
  }
}
