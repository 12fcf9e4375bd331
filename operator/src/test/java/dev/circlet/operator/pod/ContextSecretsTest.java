package dev.circlet.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.CircletApi;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContextSecretsTest {
  static Secret secret(String namespace, String name, String context) {
    return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .addToLabels(CircletApi.LABEL_CONTEXT, context).endMetadata().build();
  }

  final List<Secret> secrets = List.of(
      secret("team-a", "aws", "aws-prod"),
      secret("team-a", "global", "org-global"),
      secret("team-b", "aws-b", "aws-prod"),
      secret("team-b", "slack-1", "slack"),
      secret("team-b", "slack-2", "slack"));

  @Test
  void table() {
    record Row(String namespace, List<String> contexts, List<String> secrets, String reason, String message) {}
    for (Row row : List.of(
        new Row("team-a", List.of(), List.of(), null, null),
        new Row("team-a", List.of("org-global", "aws-prod"), List.of("global", "aws"), null, null),
        new Row("team-b", List.of("aws-prod"), List.of("aws-b"), null, null),
        new Row("team-b", List.of("org-global"), List.of(), "ContextNotFound",
            "context \"org-global\" has no Secret labelled ci.circlet.dev/context=org-global in namespace team-b"),
        new Row("team-b", List.of("aws-prod", "slack"), List.of(), "AmbiguousContext",
            "context \"slack\" is held by 2 Secrets in namespace team-b: slack-1, slack-2"))) {
      ContextSecrets.Resolution r = ContextSecrets.resolve(row.contexts(), row.namespace(), secrets);
      assertThat(r.secretNames()).as(row.toString()).isEqualTo(row.secrets());
      assertThat(r.reason()).as(row.toString()).isEqualTo(row.reason());
      assertThat(r.message()).as(row.toString()).isEqualTo(row.message());
      assertThat(r.ok()).isEqualTo(row.reason() == null);
    }
  }
}
