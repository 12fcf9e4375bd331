package dev.circlet.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.JedisPooled;

/**
 * A throwaway redis-server (Debian's package) for the booted gateway's hot buffer, configured as in
 * production (append-only file, fsync on every write), on a free loopback port.
 */
public final class RedisServer implements AutoCloseable {
  private final Process process;
  private final Path dir;
  public final int port;

  private RedisServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  public static RedisServer start() {
    try {
      Path dir = Files.createTempDirectory("circlet-redis");
      int port = LocalServers.freePort();
      String bin = Files.isExecutable(Path.of("/usr/bin/redis-server")) ? "/usr/bin/redis-server" : "redis-server";
      Process p = new ProcessBuilder(List.of(bin, "--bind", "127.0.0.1", "--port", String.valueOf(port),
          "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
          "--daemonize", "no", "--protected-mode", "no"))
          .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
      RedisServer server = new RedisServer(dir, port, p);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        try (JedisPooled j = new JedisPooled("127.0.0.1", port)) {
          if ("PONG".equals(j.ping())) {
            return server;
          }
        } catch (RuntimeException e) {
          if (!p.isAlive() || System.nanoTime() > deadline) {
            p.destroyForcibly();
            throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")), e);
          }
          LocalServers.pause(50);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server", e);
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
