package dev.circlet.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.gateway.tokens.ApiTokens;
import dev.circlet.gateway.tokens.Scope;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxySignInTest {
  static ProxySignIn on() {
    return ProxySignIn.of(Optional.of("X-Forwarded-User"), List.of("10.1.0.0/16", "127.0.0.1", "::1"),
        List.of("alice@acme.example=acme", "*@globex.example=globex", "bob@globex.example=acme"),
        List.of("read", "write"));
  }

  @Test
  void off_never_believes_a_header_nor_a_forged_credential() {
    ProxySignIn off = ProxySignIn.off();
    assertThat(off.enabled()).isFalse();
    assertThat(off.stamp("127.0.0.1", "alice@acme.example")).isNull();
    assertThat(off.caller("CircletProxy anything alice@acme.example")).isNull();
    ApiAuth auth = new ApiAuth(null, Optional.empty(), off);
    assertThatThrownBy(() -> auth.require("CircletProxy x alice@acme.example", Scope.READ))
        .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status()).isEqualTo(401));
  }

  @Test
  void the_header_is_believed_only_from_a_trusted_peer() {
    ProxySignIn p = on();
    String[][] peers = {
        {"10.1.200.3", "yes"}, {"10.2.0.1", "no"}, {"127.0.0.1", "yes"}, {"127.0.0.2", "no"}, {"::1", "yes"},
        {"0:0:0:0:0:0:0:1", "yes"}, {"::ffff:10.1.0.9", "yes"}, {"192.168.1.1", "no"}, {"localhost", "no"},
        {"999.1.1.1", "no"}, {"", "no"}, {null, "no"}};
    for (String[] peer : peers) {
      assertThat(p.stamp(peer[0], "alice@acme.example") != null).as(String.valueOf(peer[0]))
          .isEqualTo(peer[1].equals("yes"));
    }
    assertThat(p.stamp("127.0.0.1", null)).isNull();
    assertThat(p.stamp("127.0.0.1", "")).isNull();
    assertThat(p.stamp("127.0.0.1", "two words")).isNull();
  }

  @Test
  void a_stamped_user_maps_to_an_organization_exact_entry_first() {
    ProxySignIn p = on();
    ApiTokens.Holder alice = p.caller(p.stamp("127.0.0.1", "Alice@acme.example"));
    assertThat(alice.organization()).isEqualTo("acme");
    assertThat(alice.name()).isEqualTo("proxy:Alice@acme.example");
    assertThat(alice.scopes()).isEqualTo(Set.of(Scope.READ, Scope.WRITE));
    assertThat(p.caller(p.stamp("127.0.0.1", "carol@globex.example")).organization()).isEqualTo("globex");
    assertThat(p.caller(p.stamp("127.0.0.1", "bob@globex.example")).organization()).isEqualTo("acme");
    assertThatThrownBy(() -> p.caller(p.stamp("127.0.0.1", "mallory@elsewhere.example")))
        .isInstanceOfSatisfying(ApiProblem.class, e -> assertThat(e.status()).isEqualTo(403));
  }

  @Test
  void a_credential_not_minted_by_this_process_is_refused() {
    ProxySignIn p = on();
    String real = p.stamp("127.0.0.1", "alice@acme.example");
    assertThat(p.caller(real)).isNotNull();
    assertThat(on().caller(real)).as("another process's secret").isNull();
    String forged = "CircletProxy " + "0".repeat(64) + " alice@acme.example";
    assertThat(p.caller(forged)).isNull();
    ApiAuth auth = new ApiAuth(null, Optional.empty(), p);
    assertThatThrownBy(() -> auth.require(forged, Scope.READ))
        .isInstanceOfSatisfying(ApiProblem.class, e -> assertThat(e.status()).isEqualTo(401));
    assertThat(auth.require(real, Scope.WRITE).organization()).isEqualTo("acme");
    assertThatThrownBy(() -> auth.require(real, Scope.ADMIN))
        .isInstanceOfSatisfying(ApiProblem.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThat(ProxySignIn.isProxyCredential("circletproxy x y")).isTrue();
    assertThat(ProxySignIn.isProxyCredential("Bearer circlet_x")).isFalse();
  }

  @Test
  void bad_settings_stop_the_gateway_with_a_clear_error() {
    List<String> users = List.of("a@b=acme");
    assertThat(ProxySignIn.of(Optional.empty(), List.of(), List.of(), List.of()).enabled()).isFalse();
    assertThat(ProxySignIn.of(Optional.of(" "), List.of("1.2.3.4"), users, List.of("read")).enabled()).isFalse();
    Object[][] bad = {
        {"Authorization", List.of("1.2.3.4"), users, List.of("read"), "other than Authorization"},
        {"X User", List.of("1.2.3.4"), users, List.of("read"), "header name"},
        {"X-User", List.of(), users, List.of("read"), "trusted-proxies must list"},
        {"X-User", List.of("proxy.example"), users, List.of("read"), "not an IP address"},
        {"X-User", List.of("10.0.0.0/33"), users, List.of("read"), "bad prefix"},
        {"X-User", List.of("1.2.3.4"), List.of(), List.of("read"), "must map users"},
        {"X-User", List.of("1.2.3.4"), List.of("acme"), List.of("read"), "user=organization"},
        {"X-User", List.of("1.2.3.4"), users, List.of("admin"), "read and/or write"},
        {"X-User", List.of("1.2.3.4"), users, List.of("own"), "unknown scope"},
    };
    for (Object[] b : bad) {
      @SuppressWarnings("unchecked")
      ThrowingSettings s = () -> ProxySignIn.of(Optional.of((String) b[0]), (List<String>) b[1],
          (List<String>) b[2], (List<String>) b[3]);
      assertThatThrownBy(s::build).as(String.valueOf(b[4])).hasMessageContaining((String) b[4]);
    }
  }

  interface ThrowingSettings {
    ProxySignIn build();
  }
}
