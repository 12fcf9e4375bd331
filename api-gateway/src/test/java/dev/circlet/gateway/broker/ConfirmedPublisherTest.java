package dev.circlet.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Publisher confirms against a real RabbitMQ node, including the node dying mid-burst. */
@Tag("services")
class ConfirmedPublisherTest {
  static RabbitMqServer rabbit;

  @BeforeAll
  static void start() {
    rabbit = RabbitMqServer.create();
  }

  @AfterAll
  static void stop() {
    if (rabbit != null) {
      rabbit.close();
    }
  }

  /** The queue's messages, consumed; retried while a restarted node is still recovering the queue. */
  static Set<String> drain(String queue) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (true) {
      try {
        return drainOnce(queue);
      } catch (java.io.IOException | com.rabbitmq.client.AlreadyClosedException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  static Set<String> drainOnce(String queue) throws Exception {
    Set<String> seen = new HashSet<>();
    try (Connection c = rabbit.connectionFactory().newConnection(); Channel ch = c.createChannel()) {
      while (true) {
        var r = ch.basicGet(queue, false); // unacked: a retry after a failure sees them all again
        if (r == null) {
          return seen;
        }
        seen.add(new String(r.getBody(), StandardCharsets.UTF_8));
      }
    }
  }

  /** Publishes until confirmed: a quorum queue declared moments ago may nack while it elects its leader. */
  static void confirmEventually(ConfirmedPublisher p, String body) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try {
        p.publish(Map.of(), body.getBytes()).get(60, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        assertThat(System.nanoTime()).as("confirmed within 120 s").isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  @Test
  void confirms_then_fails_fast_while_the_broker_is_down_and_recovers() throws Exception {
    BrokerTopology topology = new BrokerTopology("confirm-basic", 3);
    try (ConfirmedPublisher p = new ConfirmedPublisher(rabbit.connectionFactory(), topology, Duration.ofSeconds(30),
        Duration.ofMillis(200))) {
      confirmEventually(p, "one");
      assertThat(drain(topology.queue())).containsExactly("one");
    }
  }

  /**
   * A queue that refuses publishes (full, with overflow reject-publish) nacks: the publisher sends the
   * message again a few times, then reports the nack rather than success, and only confirmed messages
   * are stored.
   */
  @Test
  void a_message_the_broker_keeps_refusing_fails_as_a_nack() throws Exception {
    BrokerTopology topology = new BrokerTopology("confirm-full", 3);
    rabbit.ctl("set_policy", "--apply-to", "queues", "full", "^confirm-full$",
        "{\"max-length\":1,\"overflow\":\"reject-publish\"}");
    try (ConfirmedPublisher p = new ConfirmedPublisher(rabbit.connectionFactory(), topology, Duration.ofSeconds(60),
        Duration.ofMillis(200))) {
      confirmEventually(p, "one");
      // A quorum queue turns to rejecting once it learns it is full, which may take a publish or two.
      Set<String> confirmed = new HashSet<>(Set.of("one"));
      BrokerUnavailableException refused = null;
      for (int i = 0; i < 50 && refused == null; i++) {
        try {
          p.publish(Map.of(), ("more-" + i).getBytes()).get(90, TimeUnit.SECONDS);
          confirmed.add("more-" + i);
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(BrokerUnavailableException.class);
          refused = (BrokerUnavailableException) e.getCause();
        }
      }
      assertThat(refused).as("a full queue refuses a publish").isNotNull();
      assertThat(refused.nacked()).as("reported as a nack: %s", refused.getMessage()).isTrue();
      assertThat(drain(topology.queue())).isSubsetOf(confirmed).isNotEmpty();
    } finally {
      rabbit.ctl("clear_policy", "full");
    }
  }

  /**
   * Every publish of a burst either is confirmed (and then is in the queue after the broker comes
   * back) or fails; none is confirmed and lost, even though the broker stops mid-burst.
   */
  @Test
  void stopping_the_broker_mid_burst_loses_no_confirmed_message() throws Exception {
    BrokerTopology topology = new BrokerTopology("confirm-burst", 3);
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    try (ConfirmedPublisher p = new ConfirmedPublisher(rabbit.connectionFactory(), topology, Duration.ofSeconds(20),
        Duration.ofMillis(100))) {
      confirmEventually(p, "warm");
      for (int i = 0; i < 4000; i++) {
        futures.add(p.publish(Map.of(), ("m" + i).getBytes()));
        if (i == 1500) {
          rabbit.stop();
        }
      }
      Set<String> confirmed = new HashSet<>();
      int failed = 0;
      for (int i = 0; i < futures.size(); i++) {
        try {
          futures.get(i).get(60, TimeUnit.SECONDS);
          confirmed.add("m" + i);
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOfAny(BrokerUnavailableException.class, java.util.concurrent.TimeoutException.class);
          failed++;
        }
      }
      assertThat(failed).as("publishes after the kill cannot be confirmed").isPositive();
      rabbit.start();
      Set<String> stored = drain(topology.queue());
      assertThat(stored).containsAll(confirmed);
      // The publisher reconnects by itself once the broker is back.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (true) {
        try {
          p.publish(Map.of(), "after".getBytes()).get(60, TimeUnit.SECONDS);
          break;
        } catch (ExecutionException e) {
          assertThat(System.nanoTime()).isLessThan(deadline);
          Thread.sleep(200);
        }
      }
      assertThat(drain(topology.queue())).contains("after");
    }
  }
}
