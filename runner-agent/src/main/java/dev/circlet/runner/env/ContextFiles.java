package dev.circlet.runner.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the job's contexts as the operator mounts them into the agent: one Secret volume per
 * context under {@code <dir>/0}, {@code <dir>/1}, … in the job's order, one file per variable.
 * A later context's value wins over an earlier one's, and every context wins over project values.
 */
public final class ContextFiles {
  private ContextFiles() {}

  /** The variables of every context under {@code dir}; empty when the directory does not exist. */
  public static Map<String, String> read(Path dir) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> contexts = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      entries.filter(p -> p.getFileName().toString().matches("\\d+") && Files.isDirectory(p)).forEach(contexts::add);
    }
    contexts.sort(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())));
    for (Path context : contexts) {
      List<Path> files = new ArrayList<>();
      try (Stream<Path> entries = Files.list(context)) {
        // A Secret volume keeps its data under ..data and links each key to it; skip the dot entries.
        entries.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)).forEach(files::add);
      }
      files.sort(Comparator.comparing(p -> p.getFileName().toString()));
      for (Path f : files) {
        out.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
