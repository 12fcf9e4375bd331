package dev.circlet.api.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {

  @ParameterizedTest
  @CsvSource({
    "web-12-build, test, , 1, web-12-build-test",
    "web-12-build, test, 2, 4, web-12-build-test-2",
    "web-12-build, test, 0, 4, web-12-build-test-0",
  })
  void buildNamesAreTheReadablePartsAndAHash(String wf, String job, Integer index, int total, String readable) {
    String name = Names.build(wf, job, index, total);
    assertThat(name).matches(readable + "-[0-9a-f]{8}");
    assertThat(Names.build(wf, job, index, total)).as("stable").isEqualTo(name);
  }

  @Test
  void partsThatJoinAlikeKeepDifferentNames() {
    // Job "test-0" and node 0 of a parallel "test".
    assertThat(Names.build("wf", "test-0", null, 1)).isNotEqualTo(Names.build("wf", "test", 0, 2));
    // Workflow "w" with job "a-b" and workflow "w-a" with job "b".
    assertThat(Names.build("w", "a-b", null, 1)).isNotEqualTo(Names.build("w-a", "b", null, 1));
    // Pipeline "a-1" run 2 and pipeline "a" run 1 of workflow "2-x".
    assertThat(Names.workflow("a-1", 2, "x")).isNotEqualTo(Names.workflow("a", 1, "2-x"));
  }

  @Test
  void sanitisingAddsAStableHash() {
    String name = Names.build("web-12-build", "Build_And_Test", null, 1);
    assertThat(name).startsWith("web-12-build-build-and-test-").hasSize("web-12-build-build-and-test-".length() + 8);
    assertThat(Names.isDnsLabel(name)).isTrue();
    assertThat(Names.build("web-12-build", "Build_And_Test", null, 1)).isEqualTo(name);
    // Two inputs that sanitise to the same text keep different names.
    assertThat(Names.build("web-12-build", "build.and.test", null, 1)).isNotEqualTo(name);
  }

  @Test
  void longNamesAreTruncatedTo63WithTheIndexStillDistinct() {
    String wf = "a-very-long-pipeline-name-for-the-monorepo-12345-build-and-deploy-everything";
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      String n = Names.build(wf, "integration-tests", i, 10);
      assertThat(n).hasSizeLessThanOrEqualTo(63);
      assertThat(Names.isDnsLabel(n)).as(n).isTrue();
      names.add(n);
    }
    assertThat(names).hasSize(10);
  }

  @Test
  void parallelIndexOutsideTheTotalIsRejected() {
    assertThatThrownBy(() -> Names.build("wf", "job", 4, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Names.build("wf", "job", null, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void podAgentSecretAndWorkflowNames() {
    assertThat(Names.pod("web-12-build-test")).isEqualTo("web-12-build-test");
    assertThat(Names.workflow("web", 12, "build")).matches("web-12-build-[0-9a-f]{8}");
    String odd = Names.workflow("Web", 12, "build_and_test");
    assertThat(odd).matches("web-12-build-and-test-[0-9a-f]{8}");
    String onlySymbols = Names.workflow("__", 1, "日本");
    assertThat(Names.isDnsLabel(onlySymbols)).as(onlySymbols).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "acme, acme",
    "build_and_test, build_and_test",
    "Acme.Corp, Acme.Corp",
  })
  void validLabelValuesAreKept(String in, String out) {
    assertThat(Names.labelValue(in)).isEqualTo(out);
  }

  @Test
  void invalidLabelValuesAreSanitised() {
    assertThat(Names.labelValue("deploy to prod")).matches("deploy-to-prod-[0-9a-f]{8}");
    assertThat(Names.labelValue("_x_")).matches("x-[0-9a-f]{8}");
    assertThat(Names.labelValue("x".repeat(80))).hasSize(63);
    assertThat(Names.labelValue(null)).isEmpty();
  }

  @Test
  void containerNames() {
    assertThat(Names.containerName("postgres")).isEqualTo("postgres");
    assertThat(Names.containerName("Redis_Cache")).matches("redis-cache-[0-9a-f]{8}");
  }
}
