package dev.circlet.runner.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Writes the stand-in {@code docker} script into a directory that a test puts on PATH; reads its record. */
public final class StandInEngine {
  private final Path bin;
  private final Path state;

  private StandInEngine(Path bin, Path state) {
    this.bin = bin;
    this.state = state;
  }

  /** Installs {@code name} (docker or podman) under {@code dir/bin}; its record goes to {@code dir/state}. */
  public static StandInEngine install(Path dir, String name) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path state = Files.createDirectories(dir.resolve("state"));
    String script;
    try (InputStream in = StandInEngine.class.getResourceAsStream("stand-in-docker")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@STATE@", state.toString());
    }
    Path exe = bin.resolve(name);
    Files.writeString(exe, script);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new StandInEngine(bin, state);
  }

  /** A PATH holding only the stand-in. */
  public String path() {
    return bin.toString();
  }

  /** Makes {@code info} fail as with a daemon that does not answer. */
  public void down() throws IOException {
    Files.writeString(state.resolve("down"), "");
  }

  /** Each recorded call, arguments joined by one space. */
  public List<String> calls() throws IOException {
    Path calls = state.resolve("calls");
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }
}
