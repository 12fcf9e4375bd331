package dev.circlet.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.config.BoundedCompiler;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.gateway.history.DeliveryStore;
import dev.circlet.gateway.history.FreshPostgres;
import dev.circlet.gateway.trigger.ConfigLoader;
import dev.circlet.gateway.trigger.DeliveryProcessor;
import dev.circlet.gateway.trigger.KubernetesPipelines;
import dev.circlet.gateway.trigger.RunPlanner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schedules through the trigger path (PostgreSQL, the delivery processor, Workflows on the Fabric8
 * mock API server): a Pipeline schedule runs the workflows its config selects for
 * {@code scheduled_pipeline} and {@code pipeline.schedule.name}; a workflow's own schedule runs only
 * that workflow, on the branches its filters name; a tick fired twice makes one run.
 */
@Tag("services")
@EnableKubernetesMockClient(crud = true)
class ScheduledRunsTest {
  static final String CONFIG = """
      version: 2.1
      jobs:
        build:
          docker: [{image: cimg/base:stable}]
          steps: [checkout, {run: echo << pipeline.schedule.name >> on << pipeline.git.branch >>}]
      workflows:
        commit:
          when: {not: {equal: [scheduled_pipeline, << pipeline.trigger_source >>]}}
          jobs: [build]
        by-name:
          when: {equal: [nightly, << pipeline.schedule.name >>]}
          jobs: [build]
        legacy:
          triggers:
            - schedule: {cron: "0 3 * * *", filters: {branches: {only: [main, release]}}}
          jobs: [build]
      """;

  @RegisterExtension static final FreshPostgres pg = new FreshPostgres();
  static KubernetesClient client;

  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T12:00:00Z"));
  KubernetesPipelines pipelines;
  DeliveryStore deliveries;
  DeliveryProcessor processor;

  @BeforeEach
  void setUp() {
    client.resources(Workflow.class).inAnyNamespace().delete();
    client.resources(Pipeline.class).inAnyNamespace().delete();
    Pipeline p = new Pipeline();
    p.getMetadata().setNamespace("team");
    p.getMetadata().setName("app");
    p.setSpec(new PipelineSpec());
    p.getSpec().organization = "acme";
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = "https://github.com/acme/app.git";
    p.getSpec().config = CONFIG;
    PipelineSpec.Schedule nightly = new PipelineSpec.Schedule();
    nightly.name = "nightly";
    nightly.cron = "30 1 * * *";
    nightly.branch = "develop";
    p.getSpec().schedules.add(nightly);
    client.resource(p).create();
    pipelines = new KubernetesPipelines(client);
    await().atMost(Duration.ofSeconds(60)).until(() -> pipelines.all().size() == 1);
    deliveries = new DeliveryStore(pg.dataSource());
    ConfigLoader inline = (pipeline, rev) -> new ConfigLoader.Loaded(".circleci/config.yml", pipeline.getSpec().config);
    processor = new DeliveryProcessor(deliveries, pipelines, inline,
        new RunPlanner(new ConfigCompiler(OrbStore.empty())), pipelines);
  }

  @AfterEach
  void tearDown() {
    pipelines.close();
  }

  Scheduler scheduler() {
    Clock clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
    ConfigLoader inline = (pipeline, rev) -> new ConfigLoader.Loaded(".circleci/config.yml", pipeline.getSpec().config);
    return new Scheduler(pipelines::all, new ConfigSchedules(inline, new ConfigCompiler(OrbStore.empty()),
        new BoundedCompiler(1), clock, Duration.ofMinutes(5)), new ScheduleStore(pg.dataSource()),
        (e, tick) -> assertThat(processor.process(QueuedScheduleFiring.delivery(e, tick)).action())
            .isEqualTo(DeliveryProcessor.Action.ACK),
        new Clock() {
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
        }, Duration.ofSeconds(60));
  }

  List<Workflow> workflows() {
    return client.resources(Workflow.class).inNamespace("team").list().getItems();
  }

  @Test
  void pipelineAndWorkflowSchedulesRunWhatTheConfigSelects() {
    Scheduler s = scheduler();
    assertThat(s.runOnce()).isZero();
    now.set(Instant.parse("2026-12-02T01:30:02Z"));
    assertThat(s.runOnce()).isOne();
    assertThat(workflows()).singleElement().satisfies(wf -> {
      assertThat(wf.getSpec().workflowName).isEqualTo("by-name");
      assertThat(wf.getSpec().trigger.source).isEqualTo("scheduled_pipeline");
      assertThat(wf.getSpec().trigger.branch).isEqualTo("develop");
      assertThat(wf.getSpec().jobs.get(0).steps).anySatisfy(st -> assertThat(st.command).contains("nightly on develop"));
    });
    now.set(Instant.parse("2026-12-02T03:00:40Z"));
    assertThat(s.runOnce()).isEqualTo(2);
    assertThat(workflows()).hasSize(3).filteredOn(wf -> wf.getSpec().workflowName.equals("legacy"))
        .extracting(wf -> wf.getSpec().trigger.branch).containsExactlyInAnyOrder("main", "release");
    assertThat(deliveries.runs("team", "app")).extracting(DeliveryStore.Run::status)
        .containsExactly("created", "created", "created");
  }

  @Test
  void aTickDeliveredTwiceMakesOneRun() {
    ScheduleEntry e = new ScheduleEntry("team", "app", "nightly", "nightly", CronExpression.parse("30 1 * * *"),
        "develop", "https://github.com/acme/app.git");
    Instant tick = Instant.parse("2026-12-02T01:30:00Z");
    processor.process(QueuedScheduleFiring.delivery(e, tick));
    processor.process(QueuedScheduleFiring.delivery(e, tick));
    assertThat(workflows()).hasSize(1);
    assertThat(deliveries.runs("team", "app")).hasSize(1);
  }
}
