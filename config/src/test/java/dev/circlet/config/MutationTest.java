package dev.circlet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Damaged configs (each realistic config with one line removed, or one line's value blanked) must
 * give diagnostics, never an internal error.
 */
class MutationTest {
  @Test
  void everyDamagedVariantCompilesToDiagnostics() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Fixtures.RESOURCES.resolve("realistic"))) {
      files = s.filter(p -> !p.toString().endsWith(".golden.yml")).sorted().toList();
    }
    List<String> internal = new ArrayList<>();
    int variants = 0;
    for (Path f : files) {
      String[] lines = Fixtures.read(f).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        for (String variant : List.of(without(lines, i), blanked(lines, i))) {
          variants++;
          for (PipelineContext ctx : List.of(PipelineContext.branch("main"), PipelineContext.tag("v1.0.0"))) {
            CompileResult r = Fixtures.COMPILER.compile(ConfigSource.of(f.getFileName() + "#" + i, variant), ctx);
            r.errors().stream().filter(d -> d.message().startsWith("internal")).forEach(d -> internal.add(d.format()));
          }
        }
      }
    }
    assertThat(variants).isGreaterThan(500);
    assertThat(internal).isEmpty();
  }

  private static String without(String[] lines, int skip) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      if (i != skip) {
        b.append(lines[i]).append('\n');
      }
    }
    return b.toString();
  }

  private static String blanked(String[] lines, int at) {
    String[] copy = lines.clone();
    int colon = copy[at].indexOf(": ");
    copy[at] = colon >= 0 ? copy[at].substring(0, colon + 1) : copy[at].replaceAll("\\S+$", "");
    return String.join("\n", copy);
  }
}
