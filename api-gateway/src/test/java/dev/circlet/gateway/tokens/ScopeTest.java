package dev.circlet.gateway.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeTest {
  @Test
  void each_scope_covers_itself_and_the_ones_below() {
    Object[][] table = {
        {Scope.READ, Scope.READ, true}, {Scope.READ, Scope.WRITE, false}, {Scope.READ, Scope.ADMIN, false},
        {Scope.WRITE, Scope.READ, true}, {Scope.WRITE, Scope.WRITE, true}, {Scope.WRITE, Scope.ADMIN, false},
        {Scope.ADMIN, Scope.READ, true}, {Scope.ADMIN, Scope.WRITE, true}, {Scope.ADMIN, Scope.ADMIN, true},
    };
    for (Object[] row : table) {
      assertThat(((Scope) row[0]).covers((Scope) row[1])).as(row[0] + " covers " + row[1]).isEqualTo(row[2]);
    }
  }

  @Test
  void a_holder_is_allowed_what_any_of_its_scopes_covers() {
    ApiTokens.Holder readOnly = new ApiTokens.Holder(1, "acme", "ci", Set.of(Scope.READ));
    ApiTokens.Holder readAdmin = new ApiTokens.Holder(2, "acme", "ops", EnumSet.of(Scope.READ, Scope.ADMIN));
    assertThat(readOnly.allows(Scope.WRITE)).isFalse();
    assertThat(readAdmin.allows(Scope.WRITE)).isTrue();
  }

  @Test
  void scope_names_are_parsed_strictly() {
    assertThat(Scope.parse("write")).isEqualTo(Scope.WRITE);
    assertThatThrownBy(() -> Scope.parse("WRITE")).hasMessageContaining("read, write or admin");
    assertThatThrownBy(() -> Scope.parse("root")).hasMessageContaining("unknown scope 'root'");
  }
}
