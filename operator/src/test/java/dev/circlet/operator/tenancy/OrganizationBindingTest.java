package dev.circlet.operator.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OrganizationBindingTest {
  private static final String LABEL = "ci.circlet.dev/organization";

  @Test
  void aNamespaceMayUseOnlyTheOrganizationItIsLabelledWith() {
    assertThat(OrganizationBinding.problem("acme-ci", Map.of(LABEL, "acme"), "acme")).isEmpty();
    assertThat(OrganizationBinding.problem("hobby", Map.of(LABEL, "hobby"), "acme")).hasValueSatisfying(m ->
        assertThat(m).isEqualTo("namespace \"hobby\" is bound to organization \"hobby\" and may not use \"acme\""));
    assertThat(OrganizationBinding.problem("hobby", Map.of(), "acme")).hasValueSatisfying(m ->
        assertThat(m).contains("not bound to any organization", LABEL + "=acme"));
    assertThat(OrganizationBinding.problem("gone", null, "acme")).isPresent();
    assertThat(OrganizationBinding.problem("acme-ci", Map.of(LABEL, ""), "")).isPresent();
    assertThat(OrganizationBinding.problem("acme-ci", Map.of(LABEL, "acme"), null)).isPresent();
    assertThat(OrganizationBinding.problem("acme-ci", Map.of(LABEL, "acme"), "Acme")).as("exact match").isPresent();
  }
}
