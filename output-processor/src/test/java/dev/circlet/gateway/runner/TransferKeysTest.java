package dev.circlet.gateway.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.api.naming.StorageScope;
import dev.circlet.proto.runner.v1.TransferRequest.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A presigned transfer never leaves the calling Build's storage scope, whatever key it asks for. */
class TransferKeysTest {
  private static final RunnerIdentity ACME =
      new RunnerIdentity("acme-web", "build-1", StorageScope.of("acme", "acme-web", "web"), null);
  private static final RunnerIdentity HOBBY =
      new RunnerIdentity("hobby", "build-9", StorageScope.of("hobby", "hobby", "web"), null);

  @Test
  void keysLiveUnderTheBuildsScope() {
    assertThat(TransferKeys.objectKey(ACME, Kind.CACHE, "v1-deps-abc"))
        .isEqualTo("orgs/acme/projects/acme-web/web/caches/v1-deps-abc");
    assertThat(TransferKeys.objectKey(ACME, Kind.WORKSPACE, "wf/layer-1"))
        .isEqualTo("orgs/acme/projects/acme-web/web/workspaces/wf/layer-1");
    assertThat(TransferKeys.objectKey(ACME, Kind.ARTIFACT, "report.html"))
        .isEqualTo("orgs/acme/projects/acme-web/web/artifacts/acme-web/build-1/report.html");
  }

  @Test
  void scopedKeysFollowTheAgentsLayoutUnderTheScope() {
    assertThat(TransferKeys.objectKey(ACME, Kind.SCOPED, "caches/blobs/v1-deps"))
        .isEqualTo("orgs/acme/projects/acme-web/web/caches/blobs/v1-deps");
    assertThat(TransferKeys.objectKey(ACME, Kind.SCOPED, "timings/test/wf/1234.json"))
        .isEqualTo("orgs/acme/projects/acme-web/web/timings/test/wf/1234.json");
    assertThat(TransferKeys.listPrefix(ACME, "workspaces/wf/"))
        .isEqualTo("orgs/acme/projects/acme-web/web/workspaces/wf/");
    assertThat(TransferKeys.listPrefix(ACME, "caches/index/v1-"))
        .isEqualTo("orgs/acme/projects/acme-web/web/caches/index/v1-");
  }

  @ParameterizedTest
  @ValueSource(strings = {"caches", "logs/x", "orgs/acme/caches/x", "../caches/x", "caches/../x", "caches//x", "/caches/x",
      "test-results"})
  void scopedKeysOutsideTheLayoutAreRefused(String key) {
    assertThatThrownBy(() -> TransferKeys.objectKey(HOBBY, Kind.SCOPED, key))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TransferKeys.listPrefix(HOBBY, key))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anotherTenantAskingForTheSameKeyReachesItsOwnObject() {
    String victim = TransferKeys.objectKey(ACME, Kind.CACHE, "v1-deps-abc");
    String attacker = TransferKeys.objectKey(HOBBY, Kind.CACHE, "v1-deps-abc");
    assertThat(attacker).isNotEqualTo(victim).startsWith("orgs/hobby/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../acme/projects/acme-web/web/caches/v1", "/orgs/acme/caches/x", "a//b", "a/./b",
      "a/../../b", "a\\b", "", "line\nbreak"})
  void keysThatCouldClimbOrHideAreRefused(String key) {
    assertThatThrownBy(() -> TransferKeys.objectKey(HOBBY, Kind.CACHE, key))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scopesCannotBeForgedThroughFreeText() {
    // spec.organization and spec.pipeline are free text; they become one hashed segment each
    String scope = StorageScope.of("acme/projects/x", "hobby", "../web");
    assertThat(scope.split("/")).hasSize(5);
    assertThat(scope).startsWith("orgs/").doesNotContain("..").doesNotContain("acme/projects/x");
  }
}
