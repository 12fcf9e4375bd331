package dev.circlet.gateway.continuation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.gateway.history.DeliveryStore;
import dev.circlet.gateway.history.FreshPostgres;
import dev.circlet.gateway.trigger.SetupRuns;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Continuation keys and the one continuation a setup run accepts, on a real PostgreSQL. */
@Tag("services")
class ContinuationStoreTest {
  @RegisterExtension static final FreshPostgres pg = new FreshPostgres();
  ContinuationStore store;
  DeliveryStore runs;
  final Instant now = Instant.parse("2026-12-02T05:00:00Z");

  @BeforeEach
  void setUp() {
    store = new ContinuationStore(pg.dataSource());
    runs = new DeliveryStore(pg.dataSource());
  }

  long run(String key) {
    return runs.allocate(new DeliveryStore.RunRequest("team", "app", key, "api", key, "api", "main", null, null,
        "ada", "acme")).id();
  }

  @Test
  void keysAreBoundToTheirRunAndTheInstallationSecret() {
    byte[] secret = store.secret();
    assertThat(new ContinuationStore(pg.dataSource()).secret()).as("every replica reads the same secret")
        .isEqualTo(secret);
    String key = ContinuationKeys.key(secret, 41);
    assertThat(ContinuationKeys.runOf(secret, key)).isEqualTo(41);
    String otherRun = ContinuationKeys.key(secret, 42);
    assertThat(ContinuationKeys.runOf(secret, "ck_41_" + otherRun.substring(otherRun.lastIndexOf('_') + 1)))
        .isEqualTo(-1);
    assertThat(ContinuationKeys.runOf(new byte[32], key)).as("another installation's secret").isEqualTo(-1);
    for (String bad : new String[] {null, "", "ck_41", "ck_x_" + key.substring(6), key + "=", "CK" + key.substring(2)}) {
      assertThat(ContinuationKeys.runOf(secret, bad)).as(String.valueOf(bad)).isEqualTo(-1);
    }
  }

  @Test
  void exactlyOneOfTwoConcurrentContinuationsIsAccepted() throws Exception {
    long id = run("r1");
    store.open(id, now.plus(Duration.ofHours(6)));
    store.open(id, now.plus(Duration.ofHours(9)));
    assertThat(store.get(id).expiresAt()).as("a redelivery keeps the first expiry").isEqualTo(now.plus(Duration.ofHours(6)));
    CyclicBarrier start = new CyclicBarrier(2);
    CompletableFuture<Boolean> a = CompletableFuture.supplyAsync(() -> accept(start, id, "a"));
    CompletableFuture<Boolean> b = CompletableFuture.supplyAsync(() -> accept(start, id, "b"));
    assertThat(a.get() ^ b.get()).isTrue();
    assertThat(store.get(id).status()).isEqualTo("continued");
    assertThat(store.get(id).configuration()).isEqualTo(a.get() ? "a" : "b");
    assertThat(store.accept(id, "c", "{}", now)).isFalse();
    store.reopen(id);
    assertThat(store.accept(id, "c", "{}", now)).as("a continuation that was not queued may be sent again").isTrue();
  }

  private boolean accept(CyclicBarrier start, long id, String config) {
    try {
      start.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return store.accept(id, config, "{}", now);
  }

  @Test
  void anExpiredOrEndedRunAcceptsNoContinuation() {
    long expired = run("r1");
    store.open(expired, now.minusSeconds(1));
    assertThat(store.accept(expired, "c", "{}", now)).isFalse();
    assertThat(store.get(expired).status()).isEqualTo("waiting");
    long ended = run("r2");
    store.open(ended, now.plus(Duration.ofHours(6)));
    assertThat(store.end(ended)).isTrue();
    assertThat(store.accept(ended, "c", "{}", now)).isFalse();
    assertThat(store.get(ended).status()).isEqualTo("ended");
    assertThat(store.get(run("r3"))).as("a run that is not a setup run").isNull();
  }

  @Test
  void setupConfigsAreRecognisedAtTheTopLevelOnly() {
    assertThat(SetupRuns.isSetup("version: 2.1\nsetup: true\n")).isTrue();
    assertThat(SetupRuns.isSetup("version: 2.1\nsetup: true # dynamic\n")).isTrue();
    assertThat(SetupRuns.isSetup("version: 2.1\nsetup: false\n")).isFalse();
    assertThat(SetupRuns.isSetup("version: 2.1\njobs:\n  a:\n    setup: true\n")).isFalse();
  }
}
