package dev.circlet.gateway.broker;

import static dev.circlet.gateway.testing.LocalServers.freePort;
import static dev.circlet.gateway.testing.LocalServers.pause;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway RabbitMQ node (Debian's rabbitmq-server) for tests: its own node name, AMQP and
 * distribution ports on loopback, Mnesia and log directories in a temporary directory, run as a
 * foreground child process. {@link #stop()} and {@link #kill()} end it mid-test; {@link #start()}
 * brings it back on the same port with the same data, so durable quorum queues keep their messages.
 */
public final class RabbitMqServer implements AutoCloseable {
  static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");

  private final Path dir;
  private final int amqpPort;
  private final int distPort;
  private Process process;

  private RabbitMqServer(Path dir, int amqpPort, int distPort) {
    this.dir = dir;
    this.amqpPort = amqpPort;
    this.distPort = distPort;
  }

  /** Creates a fresh node and starts it; returns once it accepts AMQP connections. */
  public static RabbitMqServer create() {
    if (!Files.isExecutable(SERVER)) {
      throw new IllegalStateException("RabbitMQ is not installed; run hack/services.sh");
    }
    try {
      Path dir = Files.createTempDirectory("circlet-rabbitmq-");
      RabbitMqServer server = new RabbitMqServer(dir, freePort(), freePort());
      Files.writeString(dir.resolve("rabbitmq.conf"), String.join("\n",
          "listeners.tcp.default = 127.0.0.1:" + server.amqpPort,
          "loopback_users = none",
          "disk_free_limit.absolute = 10MB",
          "log.console = false",
          "log.file.level = warning",
          ""));
      Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return amqpPort;
  }

  public String host() {
    return "127.0.0.1";
  }

  /** A connection factory for this node (guest on loopback). */
  public ConnectionFactory connectionFactory() {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost(host());
    f.setPort(amqpPort);
    f.setAutomaticRecoveryEnabled(false);
    f.setConnectionTimeout(5_000);
    return f;
  }

  /** The broker's process (the Erlang VM), e.g. for its CPU time; empty while stopped. */
  public synchronized java.util.Optional<ProcessHandle> process() {
    return running() ? java.util.Optional.of(process.toHandle()) : java.util.Optional.empty();
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  /** Starts the node (again) and waits until it accepts connections. */
  public synchronized void start() {
    if (running()) {
      return;
    }
    ProcessBuilder pb = new ProcessBuilder(SERVER.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("console.log").toFile()));
    Map<String, String> env = pb.environment();
    env.put("HOME", dir.toString());
    env.put("RABBITMQ_NODENAME", "circlet" + amqpPort + "@localhost");
    env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_NODE_PORT", Integer.toString(amqpPort));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
    // The script then execs the Erlang VM itself, so this process is the broker: SIGTERM stops it
    // cleanly and SIGKILL kills it, with no wrapper shell in between.
    env.put("RUNNING_UNDER_SYSTEMD", "true");
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
    ConnectionFactory f = connectionFactory();
    while (true) {
      try (Connection c = f.newConnection()) {
        return;
      } catch (Exception e) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("RabbitMQ did not start: " + console(), e);
        }
        pause(200);
      }
    }
  }

  /** Stops the node gracefully (SIGTERM) and waits for it to exit. */
  public synchronized void stop() {
    end(false);
  }

  /** Kills the node (SIGKILL) without giving it a chance to close connections. */
  public synchronized void kill() {
    end(true);
  }

  private void end(boolean force) {
    if (process == null) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    if (force) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    process = null;
  }

  /** Runs {@code rabbitmqctl} against this node (policies and the like); fails with its output on a non-zero exit. */
  public String ctl(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(SERVER.resolveSibling("rabbitmqctl").toString(),
        "-n", "circlet" + amqpPort + "@localhost"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("HOME", dir.toString()); // the node's Erlang cookie lives there
    pb.environment().put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String console() {
    try {
      return Files.readString(dir.resolve("console.log"));
    } catch (IOException e) {
      return "(no console output)";
    }
  }

  @Override
  public void close() {
    kill();
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
