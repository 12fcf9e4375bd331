package dev.circlet.gateway.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.gateway.history.FreshPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tokens on a real PostgreSQL: stored hashed, revocable, last-used written at most once a minute. */
@Tag("services")
class ApiTokensTest {
  @RegisterExtension static final FreshPostgres pg = new FreshPostgres();
  Instant now = Instant.parse("2026-01-01T00:00:00Z");
  ApiTokens tokens;

  @BeforeEach
  void setUp() {
    Clock clock = new Clock() {
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
        return now;
      }
    };
    tokens = new ApiTokens(pg.dataSource(), clock, Duration.ofMinutes(1));
  }

  @Test
  void a_token_is_stored_only_as_its_hash_and_authenticates_its_organization() throws Exception {
    ApiTokens.Created c = tokens.create("acme", "ci", EnumSet.of(Scope.WRITE), "bootstrap");
    assertThat(c.token()).startsWith("circlet_").hasSize(8 + 43);
    try (Connection conn = pg.dataSource().getConnection(); Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM api_token")) {
      rs.next();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        Object v = rs.getObject(i);
        assertThat(String.valueOf(v)).doesNotContain(c.token().substring(8));
      }
      assertThat(rs.getBytes("token_hash")).isEqualTo(ApiTokens.hash(c.token()));
    }
    ApiTokens.Holder h = tokens.authenticate(c.token());
    assertThat(h.organization()).isEqualTo("acme");
    assertThat(h.scopes()).containsExactly(Scope.WRITE);
    String[] wrong = {null, "", "circlet_", c.token() + "x", c.token().substring(0, 50) + "A",
        c.token().replace("circlet_", "circlex_")};
    for (String w : wrong) {
      if (!c.token().equals(w)) {
        assertThat(tokens.authenticate(w)).as(w).isNull();
      }
    }
  }

  @Test
  void a_revoked_token_is_refused_and_other_organizations_cannot_revoke_it() {
    ApiTokens.Created c = tokens.create("acme", "ci", EnumSet.of(Scope.READ), "bootstrap");
    assertThat(tokens.revoke("globex", c.info().id())).isFalse();
    assertThat(tokens.authenticate(c.token())).isNotNull();
    assertThat(tokens.revoke("acme", c.info().id())).isTrue();
    assertThat(tokens.authenticate(c.token())).isNull();
    assertThat(tokens.list("acme").get(0).revokedAt()).isEqualTo(now);
    assertThat(tokens.list("globex")).isEmpty();
  }

  @Test
  void last_used_is_written_at_most_once_a_minute() {
    ApiTokens.Created c = tokens.create("acme", "ci", EnumSet.of(Scope.READ), "bootstrap");
    assertThat(tokens.list("acme").get(0).lastUsedAt()).isNull();
    Instant first = now;
    tokens.authenticate(c.token());
    now = first.plusSeconds(59);
    tokens.authenticate(c.token());
    assertThat(tokens.list("acme").get(0).lastUsedAt()).isEqualTo(first);
    now = first.plusSeconds(61);
    tokens.authenticate(c.token());
    assertThat(tokens.list("acme").get(0).lastUsedAt()).isEqualTo(first.plusSeconds(61));
  }

  @Test
  void a_token_needs_a_scope() {
    assertThatThrownBy(() -> tokens.create("acme", "none", Set.of(), "bootstrap"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
