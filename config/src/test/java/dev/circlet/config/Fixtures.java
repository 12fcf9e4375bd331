package dev.circlet.config;

import dev.circlet.config.orbs.DirectoryOrbStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared helpers for config tests. */
final class Fixtures {
  static final Path RESOURCES = Path.of("src/test/resources");
  static final ConfigCompiler COMPILER = new ConfigCompiler(new DirectoryOrbStore(RESOURCES.resolve("orbs")));

  private Fixtures() {}

  static CompileResult compile(String yaml) {
    return COMPILER.compile(ConfigSource.of("config.yml", yaml), PipelineContext.branch("main"));
  }

  static CompileResult compile(String yaml, PipelineContext ctx) {
    return COMPILER.compile(ConfigSource.of("config.yml", yaml), ctx);
  }

  static CompileResult ok(String yaml) {
    return ok(yaml, PipelineContext.branch("main"));
  }

  static CompileResult ok(String yaml, PipelineContext ctx) {
    CompileResult r = compile(yaml, ctx);
    if (!r.ok()) {
      throw new AssertionError("expected no errors, got:\n" + String.join("\n", r.errors().stream().map(Diagnostic::format).toList()));
    }
    return r;
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compares with a golden file, or rewrites it when -Dcirclet.updateGolden=true. */
  static void assertGolden(Path golden, String actual) {
    try {
      if (Boolean.getBoolean("circlet.updateGolden")) {
        Files.writeString(golden, actual, StandardCharsets.UTF_8);
        return;
      }
      if (!Files.exists(golden)) {
        throw new AssertionError("golden file " + golden + " is missing; run with -Dcirclet.updateGolden=true");
      }
      String expected = Files.readString(golden, StandardCharsets.UTF_8);
      if (!expected.equals(actual)) {
        throw new AssertionError("output differs from " + golden + " (rerun with -Dcirclet.updateGolden=true to accept):\n"
            + diff(expected, actual));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first differing lines with a little context. */
  static String diff(String expected, String actual) {
    String[] e = expected.split("\n", -1);
    String[] a = actual.split("\n", -1);
    int i = 0;
    while (i < e.length && i < a.length && e[i].equals(a[i])) {
      i++;
    }
    StringBuilder b = new StringBuilder();
    for (int k = Math.max(0, i - 2); k < Math.min(Math.max(e.length, a.length), i + 4); k++) {
      if (k < e.length && (k >= a.length || !e[k].equals(a[k]))) {
        b.append(String.format("%4d - %s%n", k + 1, e[k]));
      }
      if (k < a.length && (k >= e.length || !a[k].equals(e[k]))) {
        b.append(String.format("%4d + %s%n", k + 1, a[k]));
      }
      if (k < e.length && k < a.length && e[k].equals(a[k])) {
        b.append(String.format("%4d   %s%n", k + 1, e[k]));
      }
    }
    return b.toString();
  }
}
