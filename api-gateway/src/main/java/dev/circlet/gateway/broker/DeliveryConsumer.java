package dev.circlet.gateway.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Consumes the delivery queue with manual acks: a message is acked only after its handler
 * returned {@link Disposition#ACK} (the Workflows exist), requeued after a pause on
 * {@link Disposition#RETRY} (RabbitMQ counts the attempt; past the queue's delivery limit it goes
 * to the dead-letter queue), and dead-lettered at once on {@link Disposition#REJECT}. Runs
 * {@code channels} channels in parallel and reconnects by itself when the broker goes away.
 */
public final class DeliveryConsumer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DeliveryConsumer.class.getName());

  /**
   * What the broker should do with a message. WAIT: a dependency is down; the consumer keeps the
   * message unacknowledged and hands it to the handler again after a pause (doubling up to 30 s),
   * so an outage does not use up the delivery limit.
   */
  public enum Disposition { ACK, RETRY, REJECT, WAIT }

  private static final Duration MAX_WAIT = Duration.ofSeconds(30);

  /** Handles one message body; never throws (a throw counts as RETRY). */
  @FunctionalInterface
  public interface Handler {
    Disposition handle(byte[] body, AMQP.BasicProperties properties);
  }

  private final ConnectionFactory factory;
  private final BrokerTopology topology;
  private final int channels;
  private final int prefetch;
  private final Duration retryPause;
  private final Handler handler;
  private final Thread supervisor;
  private volatile boolean running = true;
  private volatile Connection connection;

  public DeliveryConsumer(ConnectionFactory factory, BrokerTopology topology, int channels, int prefetch,
      Duration retryPause, Handler handler) {
    this.factory = factory;
    this.topology = topology;
    this.channels = channels;
    this.prefetch = prefetch;
    this.retryPause = retryPause;
    this.handler = handler;
    this.supervisor = Thread.ofPlatform().daemon().name("circlet-delivery-consumer").unstarted(this::supervise);
  }

  public DeliveryConsumer start() {
    supervisor.start();
    return this;
  }

  /** Whether the consumer is connected and consuming. */
  public boolean consuming() {
    Connection c = connection;
    return c != null && c.isOpen();
  }

  private void supervise() {
    while (running) {
      Connection c = connection;
      if (c == null || !c.isOpen()) {
        try {
          connection = connect();
        } catch (Exception e) {
          LOG.log(Level.FINE, "delivery consumer cannot reach the broker", e);
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Connection connect() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(channels, Thread.ofPlatform().daemon()
        .name("circlet-delivery-", 0).factory());
    Connection c = factory.newConnection(pool, "circlet-gateway-consumer");
    c.addShutdownListener(cause -> pool.shutdown());
    try {
      for (int i = 0; i < channels; i++) {
        Channel ch = c.createChannel();
        topology.declare(ch);
        ch.basicQos(prefetch);
        ch.basicConsume(topology.queue(), false, new Consumer(ch));
      }
      return c;
    } catch (Exception e) {
      c.abort();
      throw e;
    }
  }

  private final class Consumer extends DefaultConsumer {
    Consumer(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
        throws IOException {
      if (!running || !getChannel().isOpen()) {
        return; // closing: the broker requeues what was prefetched but not acked
      }
      Disposition d = handle(body, props);
      long pause = Math.max(1, retryPause.toMillis());
      while (d == Disposition.WAIT) {
        try {
          Thread.sleep(pause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return; // closing: the broker requeues the unacknowledged message
        }
        if (!running || !getChannel().isOpen()) {
          return;
        }
        pause = Math.min(pause * 2, MAX_WAIT.toMillis());
        d = handle(body, props);
      }
      switch (d) {
        case ACK -> getChannel().basicAck(envelope.getDeliveryTag(), false);
        case REJECT -> getChannel().basicReject(envelope.getDeliveryTag(), false);
        case RETRY -> {
          try {
            // A pause before the requeue, so a short outage downstream does not use up the delivery limit at once.
            Thread.sleep(retryPause.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          getChannel().basicNack(envelope.getDeliveryTag(), false, true);
        }
        case WAIT -> throw new IllegalStateException("unreachable: WAIT is retried above");
      }
    }

    private Disposition handle(byte[] body, AMQP.BasicProperties props) {
      try {
        return handler.handle(body, props);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "delivery handler failed", e);
        return Disposition.RETRY;
      }
    }
  }

  /** Drops the connection without acking what is in flight, as a crash would (for tests and shutdown). */
  public void abort() {
    Connection c = connection;
    if (c != null) {
      c.abort(5_000);
    }
  }

  @Override
  public void close() {
    running = false;
    supervisor.interrupt();
    try {
      supervisor.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    abort();
  }
}
