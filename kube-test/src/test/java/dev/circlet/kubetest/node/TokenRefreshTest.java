package dev.circlet.kubetest.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenRefreshTest {

  static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");

  @ParameterizedTest(name = "lifetime {0} s, node setting {1} -> refresh after {2} s")
  @CsvSource({
      // the kubelet's rule: 80% of the lifetime
      "600, , 480",
      "3600, , 2880",
      "3607, , 2885.6",
      // never later than 24 h after issue
      "172800, , 86400",
      // a node's own refresh point, when it comes first
      "600, PT2S, 2",
      "600, PT8M, 480",
      "600, PT9M, 480",
      "172800, PT48H, 86400",
  })
  void refreshPoint(long lifetimeSeconds, String setting, double afterSeconds) {
    TokenRefresh r = new TokenRefresh(setting == null ? null : Duration.parse(setting));
    assertThat(r.refreshAt(ISSUED, ISSUED.plusSeconds(lifetimeSeconds)))
        .isEqualTo(ISSUED.plusMillis(Math.round(afterSeconds * 1000)));
  }

  @Test
  void refusesATokenThatExpiresBeforeItWasIssuedAndANonPositiveSetting() {
    assertThatThrownBy(() -> TokenRefresh.KUBELET.refreshAt(ISSUED, ISSUED))
        .hasMessageContaining("not after it was issued");
    assertThatThrownBy(() -> new TokenRefresh(Duration.ZERO)).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> new TokenRefresh(Duration.ofSeconds(-1))).hasMessageContaining("must be positive");
  }
}
