package dev.circlet.runner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.proto.runner.v1.LogAck;
import dev.circlet.proto.runner.v1.LogChunk;
import dev.circlet.proto.runner.v1.LogFrame;
import dev.circlet.proto.runner.v1.RunnerGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent gathers a step's lines into chunks: a chunk is sent when it is full, when the linger ran
 * out, or when the step ended, never one gRPC message per line. Against a gateway over real gRPC
 * that keeps the log contract (chunks at exact raw offsets, acknowledgements of stored offsets, a
 * resumed stream answered with the durable offset, later bytes trimmed and gaps refused), the
 * stored output is exactly what the step wrote, also when the stream breaks between chunks.
 */
class LogStreamerChunkingTest {
  static final int CHUNK = 4096;
  /** Long enough that only a full chunk or the step's end sends anything. */
  static final Duration FOREVER = Duration.ofHours(1);

  @TempDir
  Path tmp;

  /** A gateway keeping the contract, which breaks the stream on the chunks numbered in {@code breakOn}. */
  static final class Gateway extends RunnerGrpc.RunnerImplBase {
    final Set<Integer> breakOn;
    final ByteArrayOutputStream stored = new ByteArrayOutputStream();
    final List<LogChunk> chunks = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    int resumes;
    boolean ended;

    Gateway(Set<Integer> breakOn) {
      this.breakOn = breakOn;
    }

    synchronized long durable() {
      return stored.size();
    }

    synchronized byte[] bytes() {
      return stored.toByteArray();
    }

    @Override
    public StreamObserver<LogFrame> streamLogs(StreamObserver<LogAck> out) {
      return new StreamObserver<>() {
        boolean broken;

        @Override
        public void onNext(LogFrame f) {
          synchronized (Gateway.this) {
            if (broken) {
              return;
            }
            switch (f.getKindCase()) {
              case OPEN -> { }
              case RESUME -> {
                resumes++;
                out.onNext(LogAck.newBuilder().setStep(f.getResume().getStep()).setDurableOffset(stored.size())
                    .setEnded(ended).build());
              }
              case CHUNK -> {
                LogChunk c = f.getChunk();
                chunks.add(c);
                if (breakOn.contains(chunks.size())) {
                  broken = true;
                  out.onError(Status.UNAVAILABLE.withDescription("cut").asRuntimeException());
                  return;
                }
                if (c.getOffset() > stored.size()) {
                  violations.add("gap: chunk at " + c.getOffset() + ", next byte " + stored.size());
                }
                int skip = (int) (stored.size() - c.getOffset());
                if (skip < c.getData().size()) {
                  byte[] d = c.getData().toByteArray();
                  stored.write(d, skip, d.length - skip);
                }
                out.onNext(LogAck.newBuilder().setStep(c.getStep()).setDurableOffset(stored.size()).build());
              }
              case END -> {
                if (f.getEnd().getLength() != stored.size()) {
                  violations.add("end at " + f.getEnd().getLength() + " after " + stored.size() + " bytes");
                }
                ended = true;
                out.onNext(LogAck.newBuilder().setStep(f.getEnd().getStep()).setDurableOffset(stored.size())
                    .setEnded(true).build());
              }
              default -> violations.add("empty frame");
            }
          }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }

  interface Body {
    void run(LogStreamer streamer) throws Exception;
  }

  void withStreamer(Gateway gateway, Duration linger, Body body) throws Exception {
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(gateway).build().start();
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(),
        InsecureChannelCredentials.create()).build();
    LogStreamer streamer = new LogStreamer(RunnerGrpc.newStub(channel), List.of(), tmp.resolve("spool"),
        new LogStreamer.Settings(CHUNK, 64 * 1024, linger, Duration.ofMillis(20), Duration.ofMillis(200)));
    try {
      body.run(streamer);
    } finally {
      streamer.close();
      channel.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  /** Lines of varied lengths, about 100 bytes each, as a step writes them. */
  static byte[] writeLines(LogStreamer s, int count) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      byte[] line = ("line " + i + " " + "x".repeat(60 + i % 70) + "\n").getBytes(StandardCharsets.UTF_8);
      s.write(0, line, 0, line.length);
      all.writeBytes(line);
    }
    return all.toByteArray();
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void linesAreGatheredIntoFullChunksAtExactOffsets() throws Exception {
    Gateway gw = new Gateway(Set.of());
    withStreamer(gw, FOREVER, s -> {
      byte[] written = writeLines(s, 2000);
      s.end(0);
      assertThat(s.awaitDurable(Duration.ofSeconds(60))).isTrue();
      synchronized (gw) {
        assertThat(gw.violations).isEmpty();
        assertThat(gw.bytes()).isEqualTo(written);
        long at = 0;
        for (LogChunk c : gw.chunks) {
          assertThat(c.getOffset()).as("chunks follow each other").isEqualTo(at);
          at += c.getData().size();
          // with the linger never running out, only a full chunk or the step's end sends output
          if (at != written.length) {
            assertThat(c.getData().size()).isEqualTo(CHUNK);
          }
        }
        assertThat(at).isEqualTo(written.length);
        assertThat(gw.chunks).hasSize((written.length + CHUNK - 1) / CHUNK);
      }
    });
  }

  @Test
  void aBrokenStreamResumesFromTheAcknowledgedOffsetWithCoalescedChunks() throws Exception {
    // the stream breaks on the 3rd, 4th and 9th chunk the gateway sees (before storing them)
    Gateway gw = new Gateway(Set.of(3, 4, 9));
    withStreamer(gw, FOREVER, s -> {
      byte[] written = writeLines(s, 3000);
      s.end(0);
      assertThat(s.awaitDurable(Duration.ofSeconds(60))).isTrue();
      assertThat(s.reconnects()).isGreaterThanOrEqualTo(3);
      assertThat(s.acked(0)).isEqualTo(written.length);
      synchronized (gw) {
        assertThat(gw.violations).isEmpty();
        assertThat(gw.resumes).isGreaterThanOrEqualTo(3);
        // every byte once, in order: no gap, no duplicate
        assertThat(gw.bytes()).isEqualTo(written);
        for (LogChunk c : gw.chunks) {
          boolean last = c.getOffset() + c.getData().size() == written.length;
          assertThat(c.getOffset() % CHUNK == 0 || last).as("chunk at %d", c.getOffset()).isTrue();
          if (!last) {
            assertThat(c.getData().size()).isEqualTo(CHUNK);
          }
        }
      }
    });
  }

  @Test
  void aShortLineIsSentOnceTheLingerRunsOutWithoutTheStepEnding() throws Exception {
    Gateway gw = new Gateway(Set.of());
    withStreamer(gw, Duration.ofMillis(25), s -> {
      byte[] line = "one line\n".getBytes(StandardCharsets.UTF_8);
      s.write(0, line, 0, line.length);
      await("the line durable", () -> gw.durable() == line.length);
      await("its acknowledgement", () -> s.acked(0) == line.length);
      byte[] more = writeLines(s, 10);
      await("more lines durable", () -> gw.durable() == line.length + more.length);
      s.end(0);
      assertThat(s.awaitDurable(Duration.ofSeconds(60))).isTrue();
      synchronized (gw) {
        assertThat(gw.violations).isEmpty();
        assertThat(gw.ended).isTrue();
      }
    });
  }
}
