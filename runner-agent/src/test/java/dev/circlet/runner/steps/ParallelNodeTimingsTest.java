package dev.circlet.runner.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.store.LocalBlobStore;
import dev.circlet.runner.store.S3BlobStore;
import dev.circlet.runner.store.ScopedBlobStore;
import dev.circlet.runner.volume.Volume;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nodes of a parallel job store their timings at the same moment: every node's entries survive
 * (each node writes an object of its own, merged on read), on the local store and on S3 (an
 * in-process s3proxy).
 */
class ParallelNodeTimingsTest {
  static final int NODES = 8;
  static S3Proxy proxy;
  static BlobStoreContext jclouds;
  static URI endpoint;
  @TempDir Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    jclouds = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .build(BlobStoreContext.class);
    jclouds.getBlobStore().createContainerInLocation(null, "circlet");
    proxy = S3Proxy.builder().blobStore(jclouds.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(org.gaul.s3proxy.AuthenticationType.AWS_V2_OR_V4, "access", "secret").build();
    proxy.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!proxy.getState().equals("STARTED") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  @AfterAll
  static void stopS3() throws Exception {
    proxy.stop();
    jclouds.close();
  }

  @Test
  void concurrent_nodes_on_the_local_store_keep_every_entry() throws Exception {
    concurrentNodesKeepEveryEntry(new LocalBlobStore(tmp.resolve("store")));
  }

  @Test
  void concurrent_nodes_on_s3_keep_every_entry() throws Exception {
    try (S3BlobStore s3 = new S3BlobStore(S3BlobStore.client(endpoint, "us-east-1", "access", "secret"), "circlet", "t/")) {
      concurrentNodesKeepEveryEntry(new ScopedBlobStore(s3, "orgs/acme/projects/shop"));
    }
  }

  private void concurrentNodesKeepEveryEntry(BlobStore store) throws Exception {
    // two runs one after the other, each with NODES nodes storing at once
    for (String run : List.of("w1", "w2")) {
      CyclicBarrier start = new CyclicBarrier(NODES);
      ExecutorService pool = Executors.newFixedThreadPool(NODES);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
          int node = n;
          Path dir = Files.createDirectories(tmp.resolve(run + "-node" + n));
          Files.writeString(dir.resolve("results.xml"), """
              <testsuite name="s"><testcase classname="T%d" name="t%d" file="src/t%d.test.js" time="%d.5"/></testsuite>
              """.formatted(node, node, node, run.equals("w1") ? node + 1 : node + 10));
          done.add(pool.submit(() -> {
            start.await(60, TimeUnit.SECONDS);
            return new TestResultsStep(store, Volume.of(dir), line -> { })
                .store(dir.resolve("results.xml"), "test-results/" + run + "/" + node + "/", "test", run);
          }));
        }
        for (Future<?> f : done) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      // a split of the run itself never sees its own nodes' timings
      Map<String, Double> own = TestResultsStep.timings(store, "test", run).of("filename");
      if (run.equals("w1")) {
        assertThat(own).isEmpty();
      } else {
        assertThat(own).hasSize(NODES).containsEntry("src/t0.test.js", 1.5);
      }
    }
    Map<String, Double> expected = new HashMap<>();
    for (int n = 0; n < NODES; n++) {
      expected.put("src/t" + n + ".test.js", n + 10.5);
    }
    assertThat(TestResultsStep.timings(store, "test", "w3").of("filename")).isEqualTo(expected);
    assertThat(TestResultsStep.timings(store, "test").of("classname")).hasSize(NODES).containsEntry("T7", 17.5);
  }

  @Test
  void only_the_most_recent_runs_keep_their_objects_and_the_base_still_counts() throws Exception {
    BlobStore store = new LocalBlobStore(tmp.resolve("store"));
    // timings stored as one object by an earlier version are still read
    store.putBytes(TestResultsStep.timingsKey("test"), "{\"filename\":{\"old.js\":3.0}}".getBytes());
    int runs = TestResultsStep.KEEP_RUNS + 3;
    for (int r = 1; r <= runs; r++) {
      Path dir = Files.createDirectories(tmp.resolve("r" + r));
      Files.writeString(dir.resolve("results.xml"), """
          <testsuite name="s"><testcase classname="T" name="t" file="src/run%d.test.js" time="1"/>
          <testcase classname="T" name="u" file="src/same.test.js" time="%d"/></testsuite>
          """.formatted(r, r));
      new TestResultsStep(store, Volume.of(dir), line -> { })
          .store(dir.resolve("results.xml"), "test-results/" + r + "/", "test", "w" + r);
      awaitClockTick();
    }
    List<String> kept = store.list(TestResultsStep.nodeTimingsPrefix("test")).stream()
        .map(b -> b.key().split("/")[2]).distinct().sorted().toList();
    List<String> newest = new ArrayList<>();
    for (int r = runs - TestResultsStep.KEEP_RUNS + 1; r <= runs; r++) {
      newest.add("w" + r);
    }
    assertThat(kept).containsExactlyInAnyOrderElementsOf(newest);
    Map<String, Double> t = TestResultsStep.timings(store, "test", "next").of("filename");
    assertThat(t).containsEntry("old.js", 3.0).containsEntry("src/same.test.js", (double) runs)
        .containsKey("src/run" + runs + ".test.js").doesNotContainKey("src/run1.test.js");
  }

  /** Runs are ordered by the millisecond they stored at; the next one must store at a later one. */
  private static void awaitClockTick() {
    long now = System.currentTimeMillis();
    while (System.currentTimeMillis() <= now) {
      Thread.onSpinWait();
    }
  }
}
