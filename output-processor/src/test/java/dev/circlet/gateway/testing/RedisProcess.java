package dev.circlet.gateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.JedisPooled;

/**
 * A real redis-server (Debian's package) as a child process, configured as the gateway's hot
 * buffer is in production: append-only file, fsync on every write.
 */
public final class RedisProcess implements AutoCloseable {
  private final Process process;
  public final int port;
  public final Path dir;

  public RedisProcess(Path dir) throws IOException, InterruptedException {
    this.dir = Files.createDirectories(dir);
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String bin = Files.isExecutable(Path.of("/usr/bin/redis-server")) ? "/usr/bin/redis-server" : "redis-server";
    process = new ProcessBuilder(List.of(bin, "--bind", "127.0.0.1", "--port", String.valueOf(port),
        "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
        "--daemonize", "no", "--protected-mode", "no"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (JedisPooled j = new JedisPooled("127.0.0.1", port)) {
        if ("PONG".equals(j.ping())) {
          return;
        }
      } catch (RuntimeException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")), e);
        }
        Thread.sleep(50);
      }
    }
  }

  public JedisPooled client() {
    return new JedisPooled("127.0.0.1", port);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
