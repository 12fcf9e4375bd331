package dev.circlet.runner.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps {@code .circlet/} out of the user's way: listed in the repository's own {@code
 * .git/info/exclude} (never in a tracked {@code .gitignore}) and holding only the last runs' logs.
 */
public final class RunHousekeeping {
  private RunHousekeeping() {}

  /**
   * Adds {@code .circlet/} to {@code info/exclude} of the repository holding {@code project} unless
   * git already ignores it; returns the file written, or null when nothing was written (not a
   * repository, or already ignored).
   */
  public static Path excludeFromGit(Path project) throws IOException {
    String gitPath = LocalGit.git(project, "rev-parse", "--git-path", "info/exclude");
    if (gitPath == null) {
      return null;
    }
    Path circlet = project.resolve(".circlet");
    Files.createDirectories(circlet);
    if (ignored(project)) {
      return null;
    }
    Path exclude = project.resolve(gitPath);
    Files.createDirectories(exclude.getParent());
    String top = LocalGit.git(project, "rev-parse", "--show-prefix");
    String line = "/" + (top == null ? "" : top) + ".circlet/";
    String existing = Files.exists(exclude) ? Files.readString(exclude, StandardCharsets.UTF_8) : "";
    String text = (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n")
        + "# local state of circlet run\n" + line + "\n";
    Files.writeString(exclude, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return exclude;
  }

  /** {@code git check-ignore -q} exits 0, printing nothing, when the path is ignored. */
  private static boolean ignored(Path project) {
    try {
      Process p = new ProcessBuilder("git", "check-ignore", "-q", "--no-index", ".circlet/")
          .directory(project.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Run numbers to delete so that the newest {@code keep} remain (numbers need not be contiguous). */
  public static List<Integer> toPrune(List<Integer> runs, int keep) {
    List<Integer> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.reverseOrder());
    return sorted.size() <= keep ? List.of() : List.copyOf(sorted.subList(Math.max(0, keep), sorted.size()));
  }

  /** Deletes all but the newest {@code keep} directories of {@code runs/}; returns how many went. */
  public static int prune(Path runs, int keep) throws IOException {
    if (!Files.isDirectory(runs)) {
      return 0;
    }
    List<Integer> numbers = new ArrayList<>();
    try (Stream<Path> s = Files.list(runs)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (n.matches("\\d{1,9}") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          numbers.add(Integer.parseInt(n));
        }
      }
    }
    List<Integer> gone = toPrune(numbers, keep);
    for (int n : gone) {
      deleteTree(runs.resolve(Integer.toString(n)));
    }
    return gone.size();
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
