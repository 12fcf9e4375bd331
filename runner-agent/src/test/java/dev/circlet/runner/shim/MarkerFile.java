package dev.circlet.runner.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;

/** Test helper: tells whether a file a killed process tree used to rewrite has stopped changing. */
final class MarkerFile {
  private MarkerFile() {}

  /**
   * True once {@code file}'s modification time and content stay the same for {@code quiet}; false
   * if it still changes when {@code deadline} has passed (the writer is alive).
   */
  static boolean staysStill(Path file, Duration quiet, Duration deadline) throws IOException, InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    String last = state(file);
    long stillSince = System.nanoTime();
    while (System.nanoTime() < end) {
      Thread.sleep(50);
      String now = state(file);
      if (!Objects.equals(now, last)) {
        last = now;
        stillSince = System.nanoTime();
      } else if (System.nanoTime() - stillSince >= quiet.toNanos()) {
        return true;
      }
    }
    return false;
  }

  private static String state(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "absent";
    }
    FileTime t = Files.getLastModifiedTime(file);
    return t.toMillis() + ":" + Files.readString(file);
  }
}
