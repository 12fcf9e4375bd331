package dev.circlet.runner.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Packs and unpacks gzip tarballs with the system {@code tar}, which keeps modes and symlinks. */
public final class Archiver {
  private Archiver() {}

  /** Packs {@code entries} (relative to {@code base}) into {@code archive}. */
  public static void pack(Path base, List<String> entries, Path archive) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("tar", "-czf", archive.toString(), "-C", base.toString(), "--"));
    cmd.addAll(entries);
    run(cmd);
  }

  /** Unpacks {@code archive} into {@code dest}. */
  public static void unpack(Path archive, Path dest) throws IOException {
    java.nio.file.Files.createDirectories(dest);
    run(List.of("tar", "-xzf", archive.toString(), "-C", dest.toString()));
  }

  private static void run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (p.waitFor() != 0) {
        throw new IOException("tar failed: " + new String(out).strip());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running tar");
    }
  }
}
