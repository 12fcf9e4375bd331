package dev.circlet.gateway.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.circlet.proto.runner.v1.LogChunk;
import dev.circlet.proto.runner.v1.LogFrame;
import dev.circlet.proto.runner.v1.Resume;
import dev.circlet.proto.runner.v1.StepOutputEnd;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Merging of chunks queued behind an append, and the drain's order, completion and failure. */
class LogStreamPipelineTest {
  static LogFrame chunk(int step, long offset, String data) {
    return LogFrame.newBuilder().setChunk(LogChunk.newBuilder().setStep(step).setOffset(offset)
        .setData(ByteString.copyFromUtf8(data))).build();
  }

  static LogFrame resume(int step) {
    return LogFrame.newBuilder().setResume(Resume.newBuilder().setStep(step)).build();
  }

  static LogFrame end(int step, long length) {
    return LogFrame.newBuilder().setEnd(StepOutputEnd.newBuilder().setStep(step).setLength(length)).build();
  }

  static String show(LogFrame f) {
    return switch (f.getKindCase()) {
      case CHUNK -> "chunk " + f.getChunk().getStep() + "@" + f.getChunk().getOffset() + " "
          + f.getChunk().getData().toStringUtf8();
      case RESUME -> "resume " + f.getResume().getStep();
      case END -> "end " + f.getEnd().getStep() + "@" + f.getEnd().getLength();
      default -> f.getKindCase().name();
    };
  }

  record Case(String name, List<LogFrame> in, int max, List<String> out) {}

  @Test
  void chunksThatFollowEachOtherExactlyAreMerged() {
    List<Case> cases = List.of(
        new Case("consecutive chunks of a step", List.of(chunk(0, 0, "ab"), chunk(0, 2, "cd"), chunk(0, 4, "e")), 100,
            List.of("chunk 0@0 abcde")),
        new Case("up to the limit, then a new run", List.of(chunk(0, 0, "ab"), chunk(0, 2, "cd"), chunk(0, 4, "ef")), 4,
            List.of("chunk 0@0 abcd", "chunk 0@4 ef")),
        new Case("a chunk over the limit alone stays as it is", List.of(chunk(0, 0, "abcdef"), chunk(0, 6, "g")), 4,
            List.of("chunk 0@0 abcdef", "chunk 0@6 g")),
        new Case("another step breaks the run", List.of(chunk(0, 0, "ab"), chunk(1, 0, "x"), chunk(0, 2, "cd")), 100,
            List.of("chunk 0@0 ab", "chunk 1@0 x", "chunk 0@2 cd")),
        new Case("a resent chunk (overlap) is not merged", List.of(chunk(0, 0, "abcd"), chunk(0, 2, "cdef")), 100,
            List.of("chunk 0@0 abcd", "chunk 0@2 cdef")),
        new Case("a gap is not merged", List.of(chunk(0, 0, "ab"), chunk(0, 5, "xy")), 100,
            List.of("chunk 0@0 ab", "chunk 0@5 xy")),
        new Case("other frames keep their place", List.of(resume(0), chunk(0, 3, "ab"), chunk(0, 5, "cd"), end(0, 7),
            chunk(1, 0, "z")), 100, List.of("resume 0", "chunk 0@3 abcd", "end 0@7", "chunk 1@0 z")),
        new Case("nothing", List.of(), 100, List.of()));
    for (Case c : cases) {
      assertThat(LogStreamPipeline.merge(c.in(), c.max()).stream().map(LogStreamPipelineTest::show).toList())
          .as(c.name()).isEqualTo(c.out());
    }
  }

  @Test
  void theDrainHandlesFramesInOrderThenCompletes() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    CountDownLatch completed = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    LogStreamPipeline p = new LogStreamPipeline(new LogStreamPipeline.Handler() {
      @Override
      public void frame(LogFrame f) throws InterruptedException {
        // the first append waits (as for Redis' fsync) while more chunks queue behind it
        release.await(60, TimeUnit.SECONDS);
        seen.add(show(f));
      }

      @Override
      public void completed() {
        completed.countDown();
      }
    }, e -> seen.add("failed " + e), 1 << 20, 1 << 20);
    p.offer(chunk(0, 0, "a"));
    StringBuilder rest = new StringBuilder();
    for (int i = 1; i < 100; i++) {
      p.offer(chunk(0, i, "b"));
      rest.append('b');
    }
    p.offer(end(0, 100));
    p.complete();
    release.countDown();
    assertThat(completed.await(60, TimeUnit.SECONDS)).isTrue();
    // however the queued chunks were batched, the bytes arrive once, in order, before the end
    StringBuilder bytes = new StringBuilder();
    long next = 0;
    for (String s : seen.subList(0, seen.size() - 1)) {
      assertThat(s).startsWith("chunk 0@" + next + " ");
      String data = s.substring(s.lastIndexOf(' ') + 1);
      bytes.append(data);
      next += data.length();
    }
    assertThat(bytes.toString()).isEqualTo("a" + rest);
    assertThat(seen.get(seen.size() - 1)).isEqualTo("end 0@100");
  }

  @Test
  void aFailingFrameStopsTheDrainAndReportsOnce() throws Exception {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<String> seen = new CopyOnWriteArrayList<>();
    LogStreamPipeline p = new LogStreamPipeline(new LogStreamPipeline.Handler() {
      @Override
      public void frame(LogFrame f) {
        if (f.hasEnd()) {
          throw new IllegalStateException("refused");
        }
        seen.add(show(f));
      }

      @Override
      public void completed() {
        seen.add("completed");
      }
    }, failures::add, 1 << 20, 1 << 20);
    p.offer(chunk(0, 0, "a"));
    p.offer(end(0, 5));
    p.offer(chunk(0, 1, "b"));
    p.complete();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (failures.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(failures).singleElement().satisfies(t -> assertThat(t).hasMessage("refused"));
    // frames after the failure are never handled, also ones offered later
    p.offer(chunk(0, 2, "c"));
    assertThat(seen).doesNotContain("completed", "chunk 0@1 b", "chunk 0@2 c");
  }
}
