package dev.circlet.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.config.model.Schedule;
import dev.circlet.gateway.history.FreshPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scheduler on a real PostgreSQL with a fake clock: two schedulers racing fire each tick once,
 * downtime fires only the last missed tick, a new schedule owes no earlier tick, and a tick whose
 * firing failed is fired again after its lease.
 */
@Tag("services")
class SchedulerTest {
  @RegisterExtension static final FreshPostgres pg = new FreshPostgres();

  final AtomicReference<Instant> now = new AtomicReference<>();
  final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  final List<String> fired = Collections.synchronizedList(new ArrayList<>());
  final List<Pipeline> pipelines = new ArrayList<>();
  final List<Schedule> workflowSchedules = new ArrayList<>();
  ScheduleStore store;

  @BeforeEach
  void setUp() {
    store = new ScheduleStore(pg.dataSource());
  }

  Scheduler scheduler(ScheduleFiring firing) {
    return new Scheduler(() -> List.copyOf(pipelines), p -> List.copyOf(workflowSchedules), store, firing, clock,
        Duration.ofSeconds(60));
  }

  Scheduler recording() {
    return scheduler((e, tick) -> fired.add(e.pipeline() + "/" + e.key() + "@" + tick));
  }

  static Pipeline pipeline(String name, String... crons) {
    Pipeline p = new Pipeline();
    p.getMetadata().setNamespace("team");
    p.getMetadata().setName(name);
    p.setSpec(new PipelineSpec());
    p.getSpec().organization = "acme";
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = "https://github.com/acme/" + name + ".git";
    for (int i = 0; i < crons.length; i++) {
      PipelineSpec.Schedule s = new PipelineSpec.Schedule();
      s.name = "s" + i;
      s.cron = crons[i];
      p.getSpec().schedules.add(s);
    }
    return p;
  }

  @Test
  void twoSchedulersRacingFireEachTickOnce() throws Exception {
    pipelines.add(pipeline("app", "* * * * *", "*/2 * * * *"));
    pipelines.add(pipeline("web", "* * * * *"));
    now.set(Instant.parse("2026-12-02T03:59:30Z"));
    Scheduler a = recording();
    Scheduler b = recording();
    a.runOnce(); // the schedules are seen before their first tick
    for (int minute = 0; minute < 30; minute++) {
      now.set(Instant.parse("2026-12-02T04:00:00Z").plusSeconds(60L * minute + 5));
      CyclicBarrier start = new CyclicBarrier(2);
      CompletableFuture<Integer> ra = CompletableFuture.supplyAsync(() -> race(start, a));
      CompletableFuture<Integer> rb = CompletableFuture.supplyAsync(() -> race(start, b));
      assertThat(ra.get() + rb.get()).as("ticks fired at minute %d", minute).isEqualTo(minute % 2 == 0 ? 3 : 2);
      // A pass that comes again within the same minute fires nothing more.
      assertThat(a.runOnce() + b.runOnce()).isZero();
    }
    assertThat(fired).hasSize(30 * 2 + 15).doesNotHaveDuplicates();
    assertThat(fired).contains("app/s0@2026-12-02T04:29:00Z", "app/s1@2026-12-02T04:28:00Z",
        "web/s0@2026-12-02T04:00:00Z");
  }

  private static int race(CyclicBarrier start, Scheduler s) {
    try {
      start.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return s.runOnce();
  }

  @Test
  void afterDowntimeOnlyTheLastMissedTickFires() {
    pipelines.add(pipeline("app", "0 * * * *"));
    now.set(Instant.parse("2026-12-02T00:30:00Z"));
    Scheduler s = recording();
    assertThat(s.runOnce()).isZero();
    now.set(Instant.parse("2026-12-02T01:00:10Z"));
    assertThat(s.runOnce()).isOne();
    // Down from 01:00:30 until 05:20: the ticks of 02:00, 03:00 and 04:00 are gone, 05:00 fires once.
    now.set(Instant.parse("2026-12-02T05:20:00Z"));
    assertThat(s.runOnce()).isOne();
    assertThat(s.runOnce()).isZero();
    assertThat(fired).containsExactly("app/s0@2026-12-02T01:00:00Z", "app/s0@2026-12-02T05:00:00Z");
  }

  @Test
  void aNewOrChangedScheduleOwesNoEarlierTick() {
    now.set(Instant.parse("2026-12-02T10:30:00Z"));
    pipelines.add(pipeline("app", "0 5 * * *"));
    Scheduler s = recording();
    assertThat(s.runOnce()).as("05:00 passed before the schedule existed").isZero();
    pipelines.set(0, pipeline("app", "0 10 * * *"));
    now.set(Instant.parse("2026-12-02T10:31:00Z"));
    assertThat(s.runOnce()).as("10:00 passed before the cron changed").isZero();
    now.set(Instant.parse("2026-12-03T10:00:20Z"));
    assertThat(s.runOnce()).isOne();
    assertThat(fired).containsExactly("app/s0@2026-12-03T10:00:00Z");
  }

  @Test
  void aTickThatFailedToQueueIsFiredAgainAfterItsLease() {
    pipelines.add(pipeline("app", "0 * * * *"));
    now.set(Instant.parse("2026-12-02T00:59:00Z"));
    AtomicBoolean brokerDown = new AtomicBoolean(true);
    Scheduler failing = scheduler((e, tick) -> {
      if (brokerDown.get()) {
        throw new IllegalStateException("the broker did not confirm");
      }
      fired.add(e.key() + "@" + tick);
    });
    Scheduler other = scheduler((e, tick) -> fired.add(e.key() + "@" + tick));
    failing.runOnce();
    now.set(Instant.parse("2026-12-02T01:00:05Z"));
    assertThat(failing.runOnce()).isZero();
    assertThat(other.runOnce()).as("the claim is still leased").isZero();
    now.set(Instant.parse("2026-12-02T01:01:10Z"));
    assertThat(other.runOnce()).as("the lease is over").isOne();
    brokerDown.set(false);
    assertThat(failing.runOnce()).isZero();
    assertThat(fired).containsExactly("s0@2026-12-02T01:00:00Z");
  }

  @Test
  void workflowSchedulesFireOnEachBranchTheirFiltersName() {
    pipelines.add(pipeline("app"));
    workflowSchedules.add(new Schedule("nightly", "0 3 * * *", List.of("main", "release", "/feature-.*/"),
        List.of("release")));
    workflowSchedules.add(new Schedule("weekly", "0 3 * * 1", List.of(), List.of()));
    now.set(Instant.parse("2026-11-29T12:00:00Z"));
    Scheduler s = recording();
    s.runOnce();
    now.set(Instant.parse("2026-11-30T03:00:00Z"));
    assertThat(s.runOnce()).isEqualTo(2);
    assertThat(fired).containsExactlyInAnyOrder("app/workflow:nightly@main@2026-11-30T03:00:00Z",
        "app/workflow:weekly@main@2026-11-30T03:00:00Z");
  }
}
