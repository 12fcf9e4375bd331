package dev.circlet.gateway.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes persistent messages to the delivery queue with publisher confirms. The future of a
 * publish completes normally only when the broker acked that message (it is then stored in the
 * quorum queue); it fails on a nack, an unroutable return, a closed channel or connection, or when
 * no confirm arrived within the timeout. Callers answer 2xx only on success: nothing else means stored.
 *
 * <p>One channel carries all publishes with asynchronous confirms, so many requests share each
 * round trip to the broker. After a failure the next publish reconnects, at most once per
 * {@code retryInterval}, so an outage costs a fast 503 rather than a connect timeout per request.
 *
 * <p>A nack means the broker did not store the message (a quorum queue whose leader is not ready
 * yet, for example one declared a moment ago), so it is sent again, a few times with a short pause,
 * within the same confirm timeout: a VCS that does not redeliver on its own (GitHub) then still gets
 * a 202. A duplicate is harmless, since the consumer is idempotent on the delivery id.
 */
public final class ConfirmedPublisher implements AutoCloseable {
  static final int NACK_ATTEMPTS = 4;
  static final long NACK_PAUSE_MILLIS = 100;

  private final ConnectionFactory factory;
  private final BrokerTopology topology;
  private final Duration confirmTimeout;
  private final Duration retryInterval;
  private Connection connection;
  private State state;
  private long nextAttemptNanos;
  private Exception lastFailure;
  private volatile boolean closed;
  private final String idPrefix = UUID.randomUUID() + "-";
  private final AtomicLong messageIds = new AtomicLong();

  public ConfirmedPublisher(ConnectionFactory factory, BrokerTopology topology, Duration confirmTimeout,
      Duration retryInterval) {
    this.factory = factory;
    this.topology = topology;
    this.confirmTimeout = confirmTimeout;
    this.retryInterval = retryInterval;
  }

  /**
   * Publishes {@code body}; the future completes once the broker confirmed it, or fails. It may
   * complete on the connection's own thread: a continuation must not block or publish there, but
   * hand off (the webhook route goes back to its event loop; other callers wait with {@code get}).
   */
  public CompletableFuture<Void> publish(Map<String, Object> headers, byte[] body) {
    return attempt(headers, body, 1).orTimeout(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletableFuture<Void> attempt(Map<String, Object> headers, byte[] body, int attempt) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    send(headers, body).whenComplete((ok, err) -> {
      if (err == null) {
        // An ack completes the caller's future on the connection's thread: no hop to another pool,
        // so confirms of many requests settle in one pass of the listener.
        result.complete(null);
        return;
      }
      Throwable cause = err instanceof java.util.concurrent.CompletionException c && c.getCause() != null
          ? c.getCause() : err;
      if (attempt < NACK_ATTEMPTS && cause instanceof BrokerUnavailableException b && b.nacked() && !closed) {
        // Sent again off the connection's thread: the confirm listener must not publish from it.
        CompletableFuture.delayedExecutor(NACK_PAUSE_MILLIS * attempt, TimeUnit.MILLISECONDS)
            .execute(() -> attempt(headers, body, attempt + 1).whenComplete((ok2, err2) -> {
              if (err2 == null) {
                result.complete(null);
              } else {
                result.completeExceptionally(err2);
              }
            }));
        return;
      }
      result.completeExceptionally(cause);
    });
    return result;
  }

  private CompletableFuture<Void> send(Map<String, Object> headers, byte[] body) {
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    // Unique per publisher without SecureRandom on the hot path; only returns look it up.
    String messageId = idPrefix + Long.toHexString(messageIds.incrementAndGet());
    AMQP.BasicProperties props = MessageProperties.PERSISTENT_BASIC.builder()
        .contentType("application/json").messageId(messageId).headers(headers).build();
    synchronized (this) {
      State s = null;
      long seq = -1;
      try {
        s = state();
        seq = s.channel.getNextPublishSeqNo();
        s.pending.put(seq, confirmed);
        s.byMessageId.put(messageId, seq);
        // mandatory: a message no queue takes comes back as a return, which fails its future.
        s.channel.basicPublish("", topology.queue(), true, props, body);
      } catch (Exception e) {
        if (s != null) {
          s.pending.remove(seq);
          s.byMessageId.remove(messageId);
          s.fail(new BrokerUnavailableException("publishing failed: " + e.getMessage(), e));
          dropConnection();
        }
        confirmed.completeExceptionally(e instanceof BrokerUnavailableException b ? b
            : new BrokerUnavailableException("publishing failed: " + e.getMessage(), e));
        return confirmed;
      }
      State owner = s;
      long key = seq;
      confirmed.whenComplete((ok, err) -> {
        owner.pending.remove(key);
        owner.byMessageId.remove(messageId);
      });
    }
    return confirmed;
  }

  /** Whether a channel to the broker is open now (for readiness). */
  public synchronized boolean connected() {
    return state != null && state.channel.isOpen();
  }

  private State state() throws Exception {
    if (closed) {
      throw new BrokerUnavailableException("the publisher is closed", null);
    }
    if (state != null && state.channel.isOpen()) {
      return state;
    }
    if (System.nanoTime() < nextAttemptNanos) {
      throw new BrokerUnavailableException("the broker was unreachable moments ago: " + lastFailure, lastFailure);
    }
    dropConnection();
    try {
      connection = factory.newConnection("circlet-gateway-publisher");
      Channel ch = connection.createChannel();
      topology.declare(ch);
      ch.confirmSelect();
      State s = new State(ch);
      ch.addConfirmListener((tag, multiple) -> s.settle(tag, multiple, null),
          (tag, multiple) -> s.settle(tag, multiple, "the broker refused the message (nack)"));
      ch.addReturnListener(r -> s.returned(r.getProperties().getMessageId(), r.getReplyText()));
      ch.addShutdownListener(cause -> s.fail(new BrokerUnavailableException("the broker channel closed: "
          + cause.getMessage(), cause)));
      connection.addShutdownListener(cause -> s.fail(new BrokerUnavailableException("the broker connection closed: "
          + cause.getMessage(), cause)));
      state = s;
      return s;
    } catch (Exception e) {
      lastFailure = e;
      nextAttemptNanos = System.nanoTime() + retryInterval.toNanos();
      dropConnection();
      throw e;
    }
  }

  private void dropConnection() {
    State s = state;
    state = null;
    Connection c = connection;
    connection = null;
    if (c != null) {
      try {
        c.abort(1_000);
      } catch (RuntimeException ignored) {
        // the connection is already gone
      }
    }
    if (s != null) {
      s.fail(new BrokerUnavailableException("the broker connection was dropped", lastFailure));
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    dropConnection();
  }

  /** Outstanding confirms of one channel; sequence numbers restart with every channel. */
  private static final class State {
    final Channel channel;
    final ConcurrentNavigableMap<Long, CompletableFuture<Void>> pending = new ConcurrentSkipListMap<>();
    final Map<String, Long> byMessageId = new ConcurrentHashMap<>();
    final Map<Long, String> returned = new ConcurrentHashMap<>();

    State(Channel channel) {
      this.channel = channel;
    }

    void settle(long tag, boolean multiple, String nack) {
      var done = multiple ? pending.headMap(tag, true) : pending.subMap(tag, true, tag, true);
      for (var e : done.entrySet()) {
        String returnedWhy = returned.remove(e.getKey());
        if (nack != null) {
          e.getValue().completeExceptionally(BrokerUnavailableException.nack(nack));
        } else if (returnedWhy != null) {
          e.getValue().completeExceptionally(new BrokerUnavailableException(returnedWhy, null));
        } else {
          e.getValue().complete(null);
        }
      }
      done.clear();
    }

    void returned(String messageId, String reply) {
      Long seq = messageId == null ? null : byMessageId.get(messageId);
      if (seq != null) {
        returned.put(seq, "the broker could not route the message: " + reply);
      }
    }

    void fail(BrokerUnavailableException why) {
      for (var f : pending.values()) {
        f.completeExceptionally(why);
      }
      pending.clear();
    }
  }
}
