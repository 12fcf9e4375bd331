package dev.circlet.runner.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads revision, branch and remote of a local project with git, when it is in a repository. */
public final class LocalGit {
  /** What git says about the project; null fields when it is not in a repository. */
  public record Info(String revision, String branch, String remoteUrl, String user) {}

  private LocalGit() {}

  public static Info read(Path project) {
    return new Info(git(project, "rev-parse", "HEAD"), branch(project),
        git(project, "config", "--get", "remote.origin.url"), git(project, "config", "--get", "user.name"));
  }

  private static String branch(Path project) {
    String b = git(project, "rev-parse", "--abbrev-ref", "HEAD");
    return "HEAD".equals(b) ? null : b;
  }

  private static String git(Path dir, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      return p.waitFor() == 0 && !out.isEmpty() ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
