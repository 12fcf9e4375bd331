package dev.circlet.runner.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads revision, branch and remote of a local project with git, and decides the one branch, tag
 * and revision a local run compiles the config for and hands to its jobs.
 */
public final class LocalGit {
  /** The branch used when git names none and no flag sets one. */
  public static final String FALLBACK_BRANCH = "main";

  /**
   * What git says about the project; null fields (and an empty list) outside a repository.
   *
   * @param branch the checked-out branch, null on a detached HEAD
   * @param branchesAtHead local and remote-tracking branches pointing at HEAD (remote name removed)
   */
  public record Info(String revision, String branch, List<String> branchesAtHead, String remoteUrl, String user) {
    public Info {
      branchesAtHead = branchesAtHead == null ? List.of() : List.copyOf(branchesAtHead);
    }
  }

  /**
   * The push a local run stands for: exactly one of branch and tag is set.
   *
   * @param notice a line to tell the user how the branch was chosen, or null when git named it
   */
  public record Trigger(String branch, String tag, String revision, String remoteUrl, String user, String notice) {}

  private LocalGit() {}

  public static Info read(Path project) {
    String top = git(project, "rev-parse", "--show-toplevel");
    if (top == null) {
      return new Info(null, null, List.of(), null, null);
    }
    String branch = git(project, "symbolic-ref", "--short", "-q", "HEAD");
    List<String> atHead = List.of();
    if (branch == null) {
      String refs = git(project, "for-each-ref", "--points-at", "HEAD", "--format=%(refname)", "refs/heads", "refs/remotes");
      atHead = refs == null ? List.of() : branchNames(refs.lines().toList());
    }
    return new Info(git(project, "rev-parse", "HEAD"), branch, atHead,
        git(project, "config", "--get", "remote.origin.url"), git(project, "config", "--get", "user.name"));
  }

  /** Short branch names of full ref names: {@code refs/heads/x} and {@code refs/remotes/<remote>/x}, without duplicates or HEAD. */
  static List<String> branchNames(List<String> refs) {
    Set<String> out = new LinkedHashSet<>();
    for (String r : refs) {
      if (r.startsWith("refs/heads/")) {
        out.add(r.substring("refs/heads/".length()));
      } else if (r.startsWith("refs/remotes/")) {
        String rest = r.substring("refs/remotes/".length());
        int slash = rest.indexOf('/');
        if (slash > 0 && !rest.substring(slash + 1).equals("HEAD")) {
          out.add(rest.substring(slash + 1));
        }
      }
    }
    return List.copyOf(out);
  }

  /** Reads git and applies the flags (each may be null); see {@link #trigger(Info, String, String, String)}. */
  public static Trigger resolve(Path project, String branchFlag, String tagFlag, String revisionFlag) {
    return trigger(read(project), branchFlag, tagFlag, revisionFlag);
  }

  /**
   * The one source of branch, tag and revision for compiling and running: a flag wins, then git's
   * checked-out branch, then the single branch pointing at a detached HEAD, then {@value
   * #FALLBACK_BRANCH} with a notice saying so.
   */
  public static Trigger trigger(Info git, String branchFlag, String tagFlag, String revisionFlag) {
    if (branchFlag != null && tagFlag != null) {
      throw new IllegalArgumentException("--branch and --tag exclude each other: a push is of a branch or of a tag");
    }
    String revision = blankToNull(revisionFlag) != null ? revisionFlag.strip() : git.revision();
    String tag = blankToNull(tagFlag);
    String branch = blankToNull(branchFlag);
    String notice = null;
    if (tag == null && branch == null) {
      if (git.branch() != null) {
        branch = git.branch();
      } else if (git.revision() == null) {
        branch = FALLBACK_BRANCH;
        notice = "not a git repository: using branch " + FALLBACK_BRANCH + " (set another with --branch)";
      } else if (git.branchesAtHead().size() == 1) {
        branch = git.branchesAtHead().get(0);
        notice = "detached HEAD at " + shortSha(git.revision()) + ": using branch " + branch
            + ", which points at it (set another with --branch)";
      } else {
        branch = FALLBACK_BRANCH;
        notice = "detached HEAD at " + shortSha(git.revision()) + " and "
            + (git.branchesAtHead().isEmpty() ? "no branch points at it"
                : "several branches point at it (" + String.join(", ", git.branchesAtHead()) + ")")
            + ": using branch " + FALLBACK_BRANCH + " (set another with --branch)";
      }
    }
    return new Trigger(branch, tag, revision, git.remoteUrl(), git.user(), notice);
  }

  private static String shortSha(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  static String git(Path dir, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 && !out.isEmpty() ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
