package dev.circlet.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class ApiAuthTest {
  static final String SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  void the_bootstrap_secret_is_matched_exactly_and_only_when_configured() {
    ApiAuth auth = new ApiAuth(null, Optional.of(SECRET));
    assertThat(auth.isBootstrap("Bearer " + SECRET)).isTrue();
    assertThat(auth.isBootstrap("bearer " + SECRET)).isTrue();
    String[] refused = {null, "", SECRET, "Bearer ", "Bearer " + SECRET + "x", "Bearer " + SECRET.substring(1),
        "Basic " + SECRET};
    for (String header : refused) {
      assertThat(auth.isBootstrap(header)).as(String.valueOf(header)).isFalse();
    }
    ApiAuth none = new ApiAuth(null, Optional.empty());
    assertThat(none.isBootstrap("Bearer ")).isFalse();
    assertThat(new ApiAuth(null, Optional.of("  ")).isBootstrap("Bearer   ")).isFalse();
  }

  @Test
  void a_short_bootstrap_secret_is_refused_at_start() {
    assertThatThrownBy(() -> new ApiAuth(null, Optional.of("too-short")))
        .hasMessageContaining("at least 32 characters");
  }

  @Test
  void a_request_without_a_bearer_token_is_401() {
    ApiAuth auth = new ApiAuth(null, Optional.empty());
    for (String header : new String[] {null, "", "Basic abc", "Bearer "}) {
      assertThatThrownBy(() -> auth.require(header, Scope.READ)).isInstanceOfSatisfying(ApiProblem.class,
          p -> assertThat(p.status()).isEqualTo(401));
    }
  }

  @Test
  void a_token_that_cannot_be_looked_up_is_503_not_401() {
    // PostgreSQL down: every connection attempt fails as the driver reports a refused connection.
    DataSource down = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          throw new SQLException("Connection to 127.0.0.1:5432 refused", "08001");
        });
    ApiAuth auth = new ApiAuth(new ApiTokens(down, Clock.systemUTC(), Duration.ofMinutes(1)), Optional.empty());
    String wellFormed = "Bearer circlet_" + "A".repeat(43);
    assertThatThrownBy(() -> auth.require(wellFormed, Scope.READ)).isInstanceOfSatisfying(ApiProblem.class,
        p -> {
          assertThat(p.status()).isEqualTo(503);
          assertThat(p.getMessage()).contains("database did not answer");
        });
    // a token that is not even shaped like one is refused without asking the database
    assertThatThrownBy(() -> auth.require("Bearer circlet_short", Scope.READ)).isInstanceOfSatisfying(
        ApiProblem.class, p -> assertThat(p.status()).isEqualTo(401));
  }
}
