package dev.circlet.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart's CRDs and admission policy are exactly crds/'s: one source of truth, a stale copy fails here. */
class ChartCrdsTest {
  private static final Path GENERATED = Path.of("../crds/generated");
  private static final Path CHART_CRDS = Helm.CHART.resolve("crds");

  @Test
  void chartCrdsAreTheGeneratedOnes() throws IOException {
    Map<String, String> generated = read(GENERATED);
    Map<String, String> chart = read(CHART_CRDS);
    assertThat(generated).as("crds/generated/").isNotEmpty();
    assertThat(chart)
        .as("charts/circlet/crds/ is stale; refresh it with: cp crds/generated/*.yml charts/circlet/crds/")
        .isEqualTo(generated);
  }

  @Test
  void chartAdmissionPolicyIsTheShippedOne() throws IOException {
    assertThat(Files.readString(Helm.CHART.resolve("files/admission-policy.yaml")))
        .as("charts/circlet/files/admission-policy.yaml is stale; refresh it with: "
            + "cp crds/policies/organization-binding.yaml charts/circlet/files/admission-policy.yaml")
        .isEqualTo(Files.readString(Path.of("../crds/policies/organization-binding.yaml")));
  }

  private static Map<String, String> read(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).toList()) {
        files.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    return files;
  }
}
