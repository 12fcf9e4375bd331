package dev.circlet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.circlet.api.naming.Names;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.PipelineSpec;
import dev.circlet.api.v1alpha1.Workflow;
import dev.circlet.gateway.webhook.WebhookSignatures;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway booted by Quarkus against real PostgreSQL and RabbitMQ: a GitHub push signed
 * with a key of the Pipeline's webhook Secret becomes a Workflow; a signature under no key is 401.
 */
@Tag("services")
@QuarkusTest
@QuarkusTestResource(value = GatewayServices.class, restrictToAnnotatedClass = true)
class GatewayAppTest {
  @TestHTTPResource("/webhooks/github")
  URI github;

  static final String PUSH = """
      {"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567",
       "repository":{"clone_url":"https://github.com/acme/booted.git"},"sender":{"login":"ada"},
       "head_commit":{"message":"Booted"}}""";

  @Test
  void a_signed_push_becomes_a_workflow_and_a_forged_one_is_refused() throws Exception {
    KubernetesClient client = GatewayServices.client();
    client.resource(new SecretBuilder().withNewMetadata().withName("hook").withNamespace("team").endMetadata()
        .withData(Map.of("old", b64("old-key"), "new", b64("new-key"))).build()).create();
    Pipeline p = new Pipeline();
    p.getMetadata().setName("booted");
    p.getMetadata().setNamespace("team");
    p.setSpec(new PipelineSpec());
    p.getSpec().organization = "acme";
    p.getSpec().repository = new PipelineSpec.Repository();
    p.getSpec().repository.url = "git@github.com:acme/booted.git";
    p.getSpec().repository.webhookSecretRef = "hook";
    p.getSpec().config = """
        version: 2.1
        jobs:
          build: {docker: [{image: cimg/base:stable}], steps: [checkout]}
        workflows:
          main: {jobs: [build]}
        """;
    client.resource(p).create();
    HttpClient http = HttpClient.newHttpClient();
    byte[] body = PUSH.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder req = HttpRequest.newBuilder(github).timeout(Duration.ofSeconds(60))
        .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "boot-1")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    HttpResponse<String> forged = http.send(req.copy().header("X-Hub-Signature-256",
        WebhookSignatures.sign("nope".getBytes(), body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(401);
    // The Pipeline informer may still be syncing: the signature is checked against a fresh snapshot.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> http.send(
        req.copy().header("X-Hub-Signature-256", WebhookSignatures.sign("new-key".getBytes(), body)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode() == 202);
    await().atMost(Duration.ofSeconds(120)).until(() ->
        client.resources(Workflow.class).inNamespace("team").withName(Names.workflow("booted", 1, "main")).get() != null);
    assertThat(client.resources(Workflow.class).inNamespace("team").list().getItems()).hasSize(1);
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
