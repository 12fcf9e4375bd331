package dev.circlet.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed CRDs in crds/generated must equal what circlet-api generates now. */
class CrdsUpToDateTest {
  private static final Path COMMITTED = Path.of("generated");

  @Test
  void committedCrdsMatchTheApiClasses(@TempDir Path fresh) throws IOException {
    CrdGeneration.generate(fresh);
    if (Boolean.getBoolean("circlet.updateCrds")) {
      CrdGeneration.generate(COMMITTED);
    }
    List<String> generated = names(fresh);
    assertThat(names(COMMITTED))
        .as("files in crds/generated (regenerate with -Dcirclet.updateCrds=true)")
        .containsExactlyElementsOf(generated);
    for (String name : generated) {
      assertThat(Files.readString(COMMITTED.resolve(name)))
          .as("crds/generated/%s is stale: run mvn -pl crds test -Dcirclet.updateCrds=true", name)
          .isEqualTo(Files.readString(fresh.resolve(name)));
    }
  }

  @Test
  void everyResourceHasStatusSubresourceAndPrinterColumns() throws IOException {
    for (String name : names(COMMITTED)) {
      String yaml = Files.readString(COMMITTED.resolve(name));
      assertThat(yaml).as(name).contains("additionalPrinterColumns").contains("group: \"ci.circlet.dev\"");
      if (!name.startsWith("resourceclasses")) {
        assertThat(yaml).as(name).contains("subresources:").contains("status: {}");
      }
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList();
    }
  }
}
