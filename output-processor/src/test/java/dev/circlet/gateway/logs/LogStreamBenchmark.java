package dev.circlet.gateway.logs;

import dev.circlet.gateway.testing.GatewayHarness;
import dev.circlet.gateway.testing.RedisProcess;
import dev.circlet.gateway.testing.S3ProxyServer;
import dev.circlet.proto.runner.v1.LogAck;
import dev.circlet.proto.runner.v1.LogFrame;
import dev.circlet.proto.runner.v1.RunnerGrpc;
import dev.circlet.runner.stream.GatewayConnection;
import dev.circlet.runner.stream.LogStreamer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 concurrent build streams into one gateway: aggregate MB/s until every byte is compacted in
 * object storage (S3Proxy on its filesystem backend), line-to-tail latency, and raw gRPC loopback
 * streaming with the same client for comparison. Run on demand: {@code hack/bench-logs.sh}.
 */
@EnabledIfSystemProperty(named = "circlet.bench", matches = "true")
class LogStreamBenchmark {
  static final int STREAMS = Integer.getInteger("circlet.bench.streams", 50);
  static final int MIB_PER_STREAM = Integer.getInteger("circlet.bench.mib", 8);
  static final int TAILED = 10;
  /**
   * Each build step writes at this rate (MiB/s, default 4: 50 of them offer the 200 MB/s aim), so
   * the tail latency is that of a pipeline keeping up, not of a queue.
   */
  static final double RATE_BYTES = Double.parseDouble(System.getProperty("circlet.bench.rate-mib", "4")) * (1 << 20);
  /** The live tail's polling interval, the gateway's {@code circlet.logs.tail-poll} default. */
  static final long TAIL_POLL_MS = 50;

  @TempDir
  Path tmp;

  /** Lines prepared before the clock starts, so the writers measure the pipeline, not formatting. */
  static byte[][] lines(int stream) {
    byte[][] out = new byte[1000][];
    for (int i = 0; i < out.length; i++) {
      out[i] = payload(stream, i).getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  static String payload(int stream, int line) {
    return String.format("%s stream %02d line %07d %s%n", "x".repeat(40), stream, line, "y".repeat(40));
  }

  @Test
  void run() throws Exception {
    try (RedisProcess redis = new RedisProcess(tmp.resolve("redis"));
         S3ProxyServer s3 = S3ProxyServer.onDisk(GatewayHarness.BUCKET, tmp.resolve("s3"));
         GatewayHarness gw = new GatewayHarness(redis, s3, 64L << 20, 32L << 20)) {
      double raw = rawLoopback();
      long bytesPerStream = (long) MIB_PER_STREAM << 20;
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      List<Thread> tails = new ArrayList<>();
      long start = System.nanoTime();
      List<LogStreamer> streamers = new ArrayList<>();
      List<GatewayConnection> conns = new ArrayList<>();
      List<Thread> writers = new ArrayList<>();
      long[] written = new long[STREAMS];
      long[] writeNanos = new long[STREAMS];
      for (int i = 0; i < STREAMS; i++) {
        String build = "bench-" + i;
        Path token = Files.writeString(tmp.resolve("token-" + i), "token-" + build);
        GatewayConnection c = new GatewayConnection("127.0.0.1:" + gw.port(), true,
            GatewayConnection.credentials(token));
        conns.add(c);
        LogStreamer s = new LogStreamer(c.async(), List.of(), tmp.resolve("spool-" + i), LogStreamer.Settings.DEFAULT);
        streamers.add(s);
        int n = i;
        byte[][] lines = lines(n);
        writers.add(Thread.ofPlatform().start(() -> {
          long total = 0;
          int line = 0;
          long began = System.nanoTime();
          while (total < bytesPerStream) {
            // every 100th line carries its write time, for the tail latency
            byte[] b = line % 100 == 0
                ? ("T" + System.nanoTime() + " " + payload(n, line)).getBytes(StandardCharsets.UTF_8)
                : lines[line % lines.length];
            s.write(0, b, 0, b.length);
            total += b.length;
            line++;
            if (line % 100 == 0) {
              // a steady step at RATE_BYTES per second, not a burst that queues in the spool
              long due = began + (long) (total * 1e9 / RATE_BYTES);
              long ahead = due - System.nanoTime();
              if (ahead > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(ahead);
              }
            }
          }
          written[n] = total;
          writeNanos[n] = System.nanoTime() - began;
          s.end(0);
        }));
        if (i < TAILED) {
          StepKey k = new StepKey("ci", build, 0);
          tails.add(Thread.ofPlatform().start(() -> tail(gw, k, latencies)));
        }
      }
      for (Thread t : writers) {
        t.join();
      }
      for (LogStreamer s : streamers) {
        if (!s.awaitDurable(Duration.ofMinutes(10))) {
          throw new AssertionError("a stream did not finish");
        }
      }
      long acked = System.nanoTime();
      for (int i = 0; i < STREAMS; i++) {
        StepKey k = new StepKey("ci", "bench-" + i, 0);
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (!gw.processor.hot().state(k).compacted()) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("step of bench-" + i + " not compacted within 30 minutes");
          }
          Thread.sleep(50);
        }
      }
      long done = System.nanoTime();
      for (Thread t : tails) {
        t.join(60_000);
      }
      long total = 0;
      for (long w : written) {
        total += w;
      }
      double mbDurable = total / 1e6 / ((acked - start) / 1e9);
      double mbS3 = total / 1e6 / ((done - start) / 1e9);
      List<Long> l = new ArrayList<>(latencies);
      Collections.sort(l);
      System.out.printf("BENCH streams=%d total=%.1f MB, offered %.0f MB/s%n", STREAMS, total / 1e6,
          STREAMS * RATE_BYTES / 1e6);
      long slowest = 0;
      for (long w : writeNanos) {
        slowest = Math.max(slowest, w);
      }
      // the writers pace themselves; when they fall behind the offered rate, the machine starved them
      System.out.printf("BENCH offered load actually written: %.1f MB/s (%.0f%% of offered; slowest writer %.1f s)%n",
          total / 1e6 / (slowest / 1e9), 100.0 * total / (slowest / 1e9) / (STREAMS * RATE_BYTES),
          slowest / 1e9);
      System.out.printf("BENCH durable (acked, Redis fsync) %.1f MB/s; in object storage (compacted) %.1f MB/s%n",
          mbDurable, mbS3);
      System.out.printf("BENCH raw gRPC loopback (same client and chunking, acks without storage) %.1f MB/s;"
          + " ratio durable/raw %.2f, compacted/raw %.2f%n", raw, mbDurable / raw, mbS3 / raw);
      if (!l.isEmpty()) {
        System.out.printf("BENCH line->tail p50 %.1f ms p99 %.1f ms (%d samples)%n",
            l.get(l.size() / 2) / 1e6, l.get((int) (l.size() * 0.99)) / 1e6, l.size());
      }
      for (LogStreamer s : streamers) {
        s.close();
      }
      for (GatewayConnection c : conns) {
        c.close();
      }
    }
  }

  static void tail(GatewayHarness gw, StepKey k, ConcurrentLinkedQueue<Long> out) {
    long at = 0;
    StringBuilder partial = new StringBuilder();
    try {
      while (true) {
        LogReader.Slice s = gw.processor.reader().read(k, at, 1 << 20);
        long now = System.nanoTime();
        if (s.data().length > 0) {
          at = s.next();
          partial.append(new String(s.data(), StandardCharsets.UTF_8));
          // one delete per slice, not per line: deleting each line moved the rest of a 1 MiB slice
          int from = 0;
          int nl;
          while ((nl = partial.indexOf("\n", from)) >= 0) {
            if (partial.charAt(from) == 'T') {
              out.add(now - Long.parseLong(partial.substring(from + 1, partial.indexOf(" ", from))));
            }
            from = nl + 1;
          }
          partial.delete(0, from);
        } else if (s.complete()) {
          return;
        } else {
          Thread.sleep(TAIL_POLL_MS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The same client and data against a server that acknowledges each chunk without storing it. */
  double rawLoopback() throws Exception {
    Server raw = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new RunnerGrpc.RunnerImplBase() {
          @Override
          public StreamObserver<LogFrame> streamLogs(StreamObserver<LogAck> out) {
            return new StreamObserver<>() {
              final java.util.Map<Integer, Long> at = new java.util.HashMap<>();

              @Override
              public void onNext(LogFrame f) {
                switch (f.getKindCase()) {
                  case RESUME -> out.onNext(LogAck.newBuilder().setStep(f.getResume().getStep())
                      .setDurableOffset(at.getOrDefault(f.getResume().getStep(), 0L)).build());
                  case CHUNK -> {
                    long end = f.getChunk().getOffset() + f.getChunk().getData().size();
                    at.put(f.getChunk().getStep(), end);
                    out.onNext(LogAck.newBuilder().setStep(f.getChunk().getStep()).setDurableOffset(end).build());
                  }
                  case END -> out.onNext(LogAck.newBuilder().setStep(f.getEnd().getStep())
                      .setDurableOffset(f.getEnd().getLength()).setEnded(true).build());
                  default -> { }
                }
              }

              @Override
              public void onError(Throwable t) { }

              @Override
              public void onCompleted() {
                out.onCompleted();
              }
            };
          }
        }).build().start();
    try {
      long bytesPerStream = (long) MIB_PER_STREAM << 20;
      List<LogStreamer> ss = new ArrayList<>();
      List<GatewayConnection> cs = new ArrayList<>();
      long start = System.nanoTime();
      List<Thread> ws = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        Path token = Files.writeString(tmp.resolve("raw-token-" + i), "t");
        GatewayConnection c = new GatewayConnection("127.0.0.1:" + raw.getPort(), true,
            GatewayConnection.credentials(token));
        cs.add(c);
        LogStreamer s = new LogStreamer(c.async(), List.of(), tmp.resolve("raw-spool-" + i), LogStreamer.Settings.DEFAULT);
        ss.add(s);
        byte[][] lines = lines(i);
        ws.add(Thread.ofPlatform().start(() -> {
          long total = 0;
          int line = 0;
          while (total < bytesPerStream) {
            byte[] b = lines[line++ % lines.length];
            s.write(0, b, 0, b.length);
            total += b.length;
          }
          s.end(0);
        }));
      }
      for (Thread t : ws) {
        t.join();
      }
      for (LogStreamer s : ss) {
        s.awaitDurable(Duration.ofMinutes(5));
      }
      double mb = (double) STREAMS * bytesPerStream / 1e6 / ((System.nanoTime() - start) / 1e9);
      for (LogStreamer s : ss) {
        s.close();
      }
      for (GatewayConnection c : cs) {
        c.close();
      }
      return mb;
    } finally {
      raw.shutdownNow();
    }
  }
}
