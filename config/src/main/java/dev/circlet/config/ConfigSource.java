package dev.circlet.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The text of a config and the name used for it in diagnostics. */
public record ConfigSource(String name, String text) {
  public static ConfigSource of(String name, String text) {
    return new ConfigSource(name, text);
  }

  public static ConfigSource read(Path path) throws IOException {
    return new ConfigSource(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
  }
}
