package dev.circlet.gateway.broker;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Map;

/**
 * The queues deliveries travel through: a durable quorum queue, and its dead-letter queue that
 * takes a message once it was delivered {@code deliveryLimit} times without an ack (RabbitMQ counts
 * the attempts, so a crash-looping consumer cannot hold the queue forever) or was rejected outright.
 * Declaring is idempotent; publisher and consumer both declare, whichever starts first.
 */
public record BrokerTopology(String queue, int deliveryLimit) {
  public BrokerTopology {
    if (queue == null || queue.isBlank()) {
      throw new IllegalArgumentException("the delivery queue needs a name");
    }
    if (deliveryLimit < 1) {
      throw new IllegalArgumentException("the delivery limit must be at least 1, got " + deliveryLimit);
    }
  }

  public String deadLetterQueue() {
    return queue + ".dead";
  }

  public void declare(Channel channel) throws IOException {
    channel.queueDeclare(deadLetterQueue(), true, false, false, Map.of("x-queue-type", "quorum"));
    channel.queueDeclare(queue, true, false, false, Map.of(
        "x-queue-type", "quorum",
        "x-delivery-limit", deliveryLimit,
        "x-dead-letter-exchange", "",
        "x-dead-letter-routing-key", deadLetterQueue()));
  }
}
