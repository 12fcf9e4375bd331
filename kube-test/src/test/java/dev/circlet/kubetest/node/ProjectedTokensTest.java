package dev.circlet.kubetest.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectedTokensTest {

  @TempDir
  Path dir;

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  /** Issues token-1, token-2, … living the requested lifetime; fails while {@code failing}. */
  static final class TestIssuer implements ProjectedTokens.Issuer {
    final TestClock clock;
    final List<ProjectedTokens.Source> requests = new ArrayList<>();
    boolean failing;

    TestIssuer(TestClock clock) {
      this.clock = clock;
    }

    @Override
    public ProjectedTokens.Issued issue(ProjectedTokens.Source source) throws PodVolumes.MountError {
      if (failing) {
        throw new PodVolumes.MountError("API server unavailable");
      }
      requests.add(source);
      return new ProjectedTokens.Issued("token-" + requests.size(),
          clock.instant().plusSeconds(source.expirationSeconds()));
    }
  }

  final TestClock clock = new TestClock();
  final TestIssuer issuer = new TestIssuer(clock);

  @Test
  void aTokenIsRequestedAgainAtEightyPercentOfItsLifetimeAndTheFileRewritten() throws Exception {
    ProjectedTokens tokens = new ProjectedTokens(TokenRefresh.KUBELET, clock, issuer);
    Path file = dir.resolve("vol/token");
    tokens.mount(file, 0640, new ProjectedTokens.Source("circlet.dev/runner", 600));
    assertThat(Files.readString(file)).isEqualTo("token-1");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    assertThat(tokens.nextRefresh()).isEqualTo(clock.instant().plusSeconds(480));

    clock.advance(Duration.ofSeconds(479));
    assertThat(tokens.refreshDue()).isZero();
    assertThat(Files.readString(file)).isEqualTo("token-1");

    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.refreshDue()).isEqualTo(1);
    assertThat(Files.readString(file)).isEqualTo("token-2");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    assertThat(issuer.requests).allSatisfy(s -> {
      assertThat(s.audience()).isEqualTo("circlet.dev/runner");
      assertThat(s.expirationSeconds()).isEqualTo(600);
    });
    // the next point counts from the new token's issue
    assertThat(tokens.nextRefresh()).isEqualTo(clock.instant().plusSeconds(480));
    // a pod that runs for an hour gets a new token every 8 minutes
    for (int minute = 0; minute < 60; minute++) {
      clock.advance(Duration.ofMinutes(1));
      tokens.refreshDue();
    }
    assertThat(Files.readString(file)).isEqualTo("token-" + issuer.requests.size());
    assertThat(issuer.requests).hasSize(2 + 60 / 8);
    // nothing but the token file is left in the directory
    try (var s = Files.list(file.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("token");
    }
  }

  @Test
  void theNodeSettingShortensTheRefreshPoint() throws Exception {
    ProjectedTokens tokens = new ProjectedTokens(new TokenRefresh(Duration.ofSeconds(2)), clock, issuer);
    Path file = dir.resolve("token");
    tokens.mount(file, 0644, new ProjectedTokens.Source("", 600));
    clock.advance(Duration.ofSeconds(2));
    assertThat(tokens.refreshDue()).isEqualTo(1);
    assertThat(Files.readString(file)).isEqualTo("token-2");
  }

  @Test
  void aFailedRefreshKeepsTheOldTokenAndTriesAgainLater() throws Exception {
    ProjectedTokens tokens = new ProjectedTokens(TokenRefresh.KUBELET, clock, issuer);
    Path file = dir.resolve("token");
    tokens.mount(file, 0644, new ProjectedTokens.Source("a", 600));
    clock.advance(Duration.ofSeconds(480));
    issuer.failing = true;
    assertThat(tokens.refreshDue()).isZero();
    assertThat(Files.readString(file)).isEqualTo("token-1");
    assertThat(tokens.nextRefresh()).isEqualTo(clock.instant().plus(ProjectedTokens.RETRY));
    issuer.failing = false;
    clock.advance(ProjectedTokens.RETRY);
    assertThat(tokens.refreshDue()).isEqualTo(1);
    assertThat(Files.readString(file)).isEqualTo("token-2");
  }

  @Test
  void aFailedFirstRequestFailsTheMountAndWritesNothing() {
    ProjectedTokens tokens = new ProjectedTokens(TokenRefresh.KUBELET, clock, issuer);
    issuer.failing = true;
    assertThatThrownBy(() -> tokens.mount(dir.resolve("token"), 0644, new ProjectedTokens.Source("a", 600)))
        .isInstanceOf(PodVolumes.MountError.class);
    assertThat(dir.resolve("token")).doesNotExist();
    assertThat(tokens.nextRefresh()).isNull();
  }
}
