package dev.circlet.runner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.runner.steps.TestResultsStep;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScopedBlobStoreTest {
  @ParameterizedTest
  @ValueSource(strings = {"", " ", "/orgs/a", "orgs//a", "orgs/a/", "orgs/../b", "orgs/./a", "..", "orgs/a b", "orgs/a\nb"})
  void invalidScopesAreRefused(String scope) {
    assertThatThrownBy(() -> new ScopedBlobStore(new LocalBlobStore(Path.of("/nonexistent")), scope))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage scope");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "artifacts/../../orgs/b/x", "a//b", "/abs", "a/./b", ""})
  void keysCannotClimbOutOfTheScope(String key, @TempDir Path tmp) {
    ScopedBlobStore s = new ScopedBlobStore(new LocalBlobStore(tmp), "orgs/a/projects/b/c");
    assertThatThrownBy(() -> s.putBytes(key, new byte[1])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyKeyLivesUnderTheScopeAndListingsStayInside(@TempDir Path tmp) throws Exception {
    LocalBlobStore shared = new LocalBlobStore(tmp);
    ScopedBlobStore a = new ScopedBlobStore(shared, "orgs/acme/projects/shop/site");
    ScopedBlobStore b = new ScopedBlobStore(shared, "orgs/hobby/projects/x/y");
    a.putBytes(TestResultsStep.timingsKey("test"), "{\"filename\":{\"a.js\":3.0}}".getBytes());
    a.putBytes("workspaces/wf/job.0-1.tar.gz", new byte[] {1});
    assertThat(shared.exists("orgs/acme/projects/shop/site/timings/test.json")).isTrue();
    assertThat(a.list("workspaces/").stream().map(BlobStore.Blob::key)).containsExactly("workspaces/wf/job.0-1.tar.gz");
    assertThat(b.list("workspaces/")).isEmpty();
    assertThat(TestResultsStep.timings(b, "test").of("filename")).isEmpty();
    assertThat(TestResultsStep.timings(a, "test").of("filename")).containsEntry("a.js", 3.0);
  }

  @Test
  void localScopeComesFromTheProjectDirectory() {
    assertThat(ScopedBlobStore.localScope(Path.of("/home/me/src/my app"))).isEqualTo("local/my_app");
    assertThat(ScopedBlobStore.localScope(Path.of("/"))).isEqualTo("local/project");
    assertThat(List.of(ScopedBlobStore.localScope(Path.of("/x/widgets")))).containsExactly("local/widgets");
  }
}
