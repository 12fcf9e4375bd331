package dev.circlet.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.gateway.storage.ObjectStore;
import dev.circlet.gateway.testing.CuttableProxy;
import dev.circlet.gateway.testing.GatewayHarness;
import dev.circlet.gateway.testing.GatewayProcessMain;
import dev.circlet.gateway.testing.RedisProcess;
import dev.circlet.gateway.testing.S3ProxyServer;
import dev.circlet.runner.stream.GatewayConnection;
import dev.circlet.runner.stream.LogStreamer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway process killed with SIGKILL in the middle of a stream: the runner resumes against a
 * new process and the stored log is exactly what the step wrote, nothing acknowledged lost,
 * nothing doubled.
 */
@Tag("services")
class GatewayKillTest {
  @TempDir
  Path tmp;

  Process gateway(RedisProcess redis, S3ProxyServer s3, String name) throws Exception {
    Path portFile = tmp.resolve(name + ".port");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        GatewayProcessMain.class.getName(), Integer.toString(redis.port), s3.endpoint().toString(), portFile.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile()).start();
    LogPipelineTest.await("gateway " + name + " up", () -> Files.exists(portFile) || !p.isAlive());
    assertThat(p.isAlive()).as(name + " started").isTrue();
    return p;
  }

  static int port(Path portFile) throws Exception {
    return Integer.parseInt(Files.readString(portFile).strip());
  }

  @Test
  void theRunnerResumesAgainstANewGatewayWithNothingAcknowledgedLost() throws Exception {
    try (RedisProcess redis = new RedisProcess(tmp.resolve("redis"));
         S3ProxyServer s3 = new S3ProxyServer(GatewayHarness.BUCKET)) {
      Process first = gateway(redis, s3, "first");
      try (CuttableProxy net = new CuttableProxy(port(tmp.resolve("first.port")))) {
        Path token = Files.writeString(tmp.resolve("token"), "token-killed");
        GatewayConnection c = new GatewayConnection("127.0.0.1:" + net.port(), true,
            GatewayConnection.credentials(token));
        LogStreamer s = new LogStreamer(c.async(), List.of(), tmp.resolve("spool"),
            new LogStreamer.Settings(16 * 1024, 1 << 20, Duration.ofMillis(50), Duration.ofMillis(500)));
        StringBuilder expected = new StringBuilder();
        String before = LogPipelineTest.lines("before the kill", 20_000);
        LogPipelineTest.write(s, 0, before);
        expected.append(before);
        LogPipelineTest.await("part of the output acknowledged", () -> s.acked(0) > 0);
        first.destroyForcibly();
        first.waitFor();
        long ackedBeforeKill = s.acked(0);
        Process second = gateway(redis, s3, "second");
        try {
          net.retarget(port(tmp.resolve("second.port")));
          net.cut();
          String after = LogPipelineTest.lines("after the kill", 20_000);
          LogPipelineTest.write(s, 0, after);
          expected.append(after);
          s.end(0);
          assertThat(s.awaitDurable(LogPipelineTest.DEADLINE)).isTrue();
          assertThat(s.reconnects()).isGreaterThanOrEqualTo(1);
          s.close();
          c.close();
          try (redis.clients.jedis.JedisPooled j = redis.client();
               ObjectStore store = new ObjectStore(new ObjectStore.Settings(s3.endpoint(), "us-east-1",
                   GatewayHarness.BUCKET, S3ProxyServer.ACCESS, S3ProxyServer.SECRET, true, Duration.ofSeconds(5)))) {
            HotBuffer hot = new HotBuffer(j, 16L << 20);
            StepKey k = new StepKey("ci", "killed", 0);
            assertThat(hot.state(k).consumed()).isGreaterThanOrEqualTo(ackedBeforeKill);
            LogPipelineTest.await("the log compacted by the new gateway", () -> hot.state(k).compacted());
            String log = new String(store.getRange(k.compactedKey(), 0, Integer.MAX_VALUE), StandardCharsets.UTF_8);
            assertThat(log.length()).isEqualTo(expected.length());
            assertThat(log).isEqualTo(expected.toString());
            System.out.printf("FAULT | 6 | the gateway process killed with SIGKILL while a"
                + " runner streamed; a new gateway started | the runner reconnected %d time(s) and resumed at"
                + " the acknowledged offset; the log compacted with all %d bytes, no gap or duplicate | nothing%n",
                s.reconnects(), expected.length());
          }
        } finally {
          second.destroyForcibly();
          second.waitFor();
        }
      } finally {
        first.destroyForcibly();
      }
    }
  }
}
