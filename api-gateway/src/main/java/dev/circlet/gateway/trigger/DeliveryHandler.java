package dev.circlet.gateway.trigger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import dev.circlet.gateway.broker.DeliveryConsumer;
import dev.circlet.gateway.history.HistoryException;
import dev.circlet.gateway.webhook.Delivery;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Reads a delivery message and hands it to the {@link DeliveryProcessor}; an unreadable message is dead-lettered. */
public final class DeliveryHandler implements DeliveryConsumer.Handler {
  private static final Logger LOG = Logger.getLogger(DeliveryHandler.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DeliveryProcessor processor;

  public DeliveryHandler(DeliveryProcessor processor) {
    this.processor = processor;
  }

  @Override
  public DeliveryConsumer.Disposition handle(byte[] body, AMQP.BasicProperties properties) {
    Delivery d;
    try {
      d = JSON.readValue(body, Delivery.class);
      if (d.provider() == null || d.deliveryId() == null) {
        throw new IOException("the message names no provider or delivery id");
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "dead-lettering an unreadable delivery message: " + e.getMessage());
      return DeliveryConsumer.Disposition.REJECT;
    }
    DeliveryProcessor.Outcome o;
    try {
      o = processor.process(d);
    } catch (HistoryException e) {
      if (!e.unavailable()) {
        throw e;
      }
      // PostgreSQL is down: keep the message and try it again once it answers. A requeue would count
      // against the delivery limit and dead-letter an accepted delivery during an outage.
      LOG.log(Level.WARNING, "delivery " + d.provider() + "/" + d.deliveryId() + " waits for PostgreSQL: "
          + e.getMessage());
      return DeliveryConsumer.Disposition.WAIT;
    }
    if (o.action() != DeliveryProcessor.Action.ACK) {
      LOG.log(Level.WARNING, "delivery " + d.provider() + "/" + d.deliveryId() + ": " + o.action() + ": " + o.reason());
    }
    return switch (o.action()) {
      case ACK -> DeliveryConsumer.Disposition.ACK;
      case RETRY -> DeliveryConsumer.Disposition.RETRY;
      case REJECT -> DeliveryConsumer.Disposition.REJECT;
    };
  }

  /** The message body of a delivery. */
  public static byte[] encode(Delivery d) {
    try {
      return JSON.writeValueAsBytes(d);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
