package dev.circlet.gateway.vcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.api.v1alpha1.Trigger;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import dev.circlet.api.v1alpha1.WorkflowSpec;
import dev.circlet.api.v1alpha1.WorkflowStatus;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Workflow status changes on the Fabric8 mock API server become commit statuses at a local server
 * playing GitHub, with the token of the Secret the Pipeline names; unchanged states are not sent again.
 */
@EnableKubernetesMockClient(crud = true)
class WorkflowStatusReporterTest {
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static KubernetesClient client;

  final FakeVcsApi api = new FakeVcsApi();
  WorkflowStatusReporter reporter;

  @AfterEach
  void stop() {
    if (reporter != null) {
      reporter.close();
    }
    api.close();
    client.resources(Workflow.class).inAnyNamespace().delete();
    client.resources(Pipeline.class).inAnyNamespace().delete();
    client.secrets().inNamespace("team").delete();
  }

  /** Secret data as the API server returns it (the mock server does not turn stringData into data). */
  static Map<String, String> data(String... keyValues) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put(keyValues[i], java.util.Base64.getEncoder().encodeToString(
          keyValues[i + 1].getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return out;
  }

  static Pipeline pipeline(String url, String provider, String secret) {
    Pipeline p = new Pipeline();
    p.getMetadata().setNamespace("team");
    p.getMetadata().setName("app");
    p.setSpec(new PipelineSpec());
    p.getSpec().organization = "acme";
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = url;
    p.getSpec().repository.provider = provider;
    p.getSpec().repository.statusSecretRef = secret;
    return p;
  }

  static Workflow workflow(String name, String revision, WorkflowPhase phase) {
    Workflow wf = new Workflow();
    wf.getMetadata().setNamespace("team");
    wf.getMetadata().setName(name);
    wf.setSpec(new WorkflowSpec());
    wf.getSpec().pipeline = "app";
    wf.getSpec().pipelineNumber = 7L;
    wf.getSpec().workflowName = "build";
    wf.getSpec().trigger = new Trigger();
    wf.getSpec().trigger.revision = revision;
    wf.setStatus(new WorkflowStatus());
    wf.getStatus().phase = phase;
    return wf;
  }

  @Test
  void eachStateChangeIsReportedOnceWithThePipelinesToken() {
    client.resource(pipeline("git@github.com:Acme/App.git", null, "vcs-status")).create();
    client.resource(new SecretBuilder().withNewMetadata().withNamespace("team").withName("vcs-status").endMetadata()
        .withData(data("token", "ghp_abc", "api-url", api.url())).build()).create();
    StatusSender sender = new StatusSender(HttpClient.newHttpClient(), Clock.systemUTC(), d -> { },
        StatusSender.Policy.DEFAULT, Set.of(api.hostPort()));
    reporter = new WorkflowStatusReporter(client, sender, "https://ci.example.com/{namespace}/{pipeline}/{number}", 2,
        Clock.systemUTC(), Duration.ofMinutes(5)).start();
    Workflow wf = client.resource(workflow("app-7-build", SHA, WorkflowPhase.Running)).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> api.received.size() == 1);
    wf.getStatus().phase = WorkflowPhase.OnHold;
    wf = client.resource(wf).updateStatus();
    wf.getStatus().phase = WorkflowPhase.Failed;
    client.resource(wf).updateStatus();
    await().atMost(Duration.ofSeconds(60)).until(() -> api.received.size() == 2);
    assertThat(api.received).extracting(FakeVcsApi.Received::path)
        .containsOnly("/repos/acme/app/statuses/" + SHA);
    assertThat(api.received.get(0).header("Authorization")).isEqualTo("Bearer ghp_abc");
    assertThat(api.received.get(0).body()).contains("\"state\":\"pending\"", "\"context\":\"circlet/build\"",
        "\"target_url\":\"https://ci.example.com/team/app/7\"");
    assertThat(api.received.get(1).body()).contains("\"state\":\"failure\"");
  }

  @Test
  void pipelinesWithoutAStatusSecretReportNothing() {
    client.resource(pipeline("https://github.com/acme/app.git", null, null)).create();
    Pipeline web = pipeline("https://github.com/acme/web.git", null, "vcs-status");
    web.getMetadata().setName("web");
    client.resource(web).create();
    client.resource(new SecretBuilder().withNewMetadata().withNamespace("team").withName("vcs-status").endMetadata()
        .withData(data("token", "ghp_abc", "api-url", api.url())).build()).create();
    StatusSender sender = new StatusSender(HttpClient.newHttpClient(), Clock.systemUTC(), d -> { },
        StatusSender.Policy.DEFAULT, Set.of(api.hostPort()));
    // One lane: the Workflows are handled in order, so web's status arriving means app's was looked at.
    reporter = new WorkflowStatusReporter(client, sender, null, 1, Clock.systemUTC(), Duration.ofMinutes(5)).start();
    client.resource(workflow("app-7-build", SHA, WorkflowPhase.Running)).create();
    Workflow other = workflow("web-1-build", SHA, WorkflowPhase.Running);
    other.getSpec().pipeline = "web";
    client.resource(other).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> api.received.size() == 1);
    assertThat(api.received).extracting(FakeVcsApi.Received::path).containsExactly("/repos/acme/web/statuses/" + SHA);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
      https://github.com/acme/app.git          | null      | Running   | github acme/app PENDING running
      git@gitlab.example.com:group/sub/app.git | gitlab    | OnHold    | gitlab group/sub/app PENDING on hold
      https://bitbucket.org/team/app           | null      | Succeeded | bitbucket team/app SUCCESS succeeded
      https://git.example.com/team/app         | bitbucket | Canceled  | bitbucket team/app CANCELED canceled
      https://git.example.com/team/app         | null      | Failed    | null
      """)
  void statusesOfWorkflows(String url, String provider, WorkflowPhase phase, String expected) {
    CommitStatus s = WorkflowStatuses.of(workflow("app-7-build", SHA, phase), pipeline(url, provider, "x"),
        CommitStatus.State.of(phase), null);
    assertThat(s == null ? null : s.provider() + " " + s.repositoryPath() + " " + s.state() + " "
        + s.description().substring(s.description().indexOf("build ") + 6)).isEqualTo(expected);
  }

  @Test
  void aRunWithoutACommitHasNoStatus() {
    assertThat(WorkflowStatuses.of(workflow("w", null, WorkflowPhase.Running),
        pipeline("https://github.com/acme/app", null, "x"), CommitStatus.State.PENDING, null)).isNull();
    assertThat(List.of(CommitStatus.State.of(null))).containsExactly(CommitStatus.State.PENDING);
  }
}
