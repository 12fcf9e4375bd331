package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LocalGitTest {
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  static Stream<Arguments> triggers() {
    LocalGit.Info onBranch = new LocalGit.Info(SHA, "feature/x", List.of(), "git@github.com:o/r.git", "ann");
    LocalGit.Info detachedOne = new LocalGit.Info(SHA, null, List.of("release"), null, null);
    LocalGit.Info detachedTwo = new LocalGit.Info(SHA, null, List.of("main", "release"), null, null);
    LocalGit.Info detachedNone = new LocalGit.Info(SHA, null, List.of(), null, null);
    LocalGit.Info noRepo = new LocalGit.Info(null, null, List.of(), null, null);
    return Stream.of(
        // git info, --branch, --tag, --revision -> branch, tag, revision, notice contains
        Arguments.of(onBranch, null, null, null, "feature/x", null, SHA, null),
        Arguments.of(onBranch, "other", null, null, "other", null, SHA, null),
        Arguments.of(onBranch, null, "v1.2.0", null, null, "v1.2.0", SHA, null),
        Arguments.of(onBranch, null, null, "abc", "feature/x", null, "abc", null),
        Arguments.of(detachedOne, null, null, null, "release", null, SHA, "detached HEAD at 0123456789ab: using branch release"),
        Arguments.of(detachedTwo, null, null, null, "main", null, SHA, "several branches point at it (main, release)"),
        Arguments.of(detachedNone, null, null, null, "main", null, SHA, "no branch points at it: using branch main (set another with --branch)"),
        Arguments.of(detachedNone, "ci", null, null, "ci", null, SHA, null),
        Arguments.of(noRepo, null, null, null, "main", null, null, "not a git repository"));
  }

  @ParameterizedTest
  @MethodSource("triggers")
  void oneSourceForBranchTagAndRevision(LocalGit.Info git, String branch, String tag, String revision,
      String wantBranch, String wantTag, String wantRevision, String notice) {
    LocalGit.Trigger t = LocalGit.trigger(git, branch, tag, revision);
    assertThat(t.branch()).isEqualTo(wantBranch);
    assertThat(t.tag()).isEqualTo(wantTag);
    assertThat(t.revision()).isEqualTo(wantRevision);
    if (notice == null) {
      assertThat(t.notice()).isNull();
    } else {
      assertThat(t.notice()).contains(notice);
    }
  }

  @Test
  void branchAndTagExcludeEachOther() {
    assertThatThrownBy(() -> LocalGit.trigger(new LocalGit.Info(SHA, "b", List.of(), null, null), "a", "v1", null))
        .hasMessageContaining("--branch and --tag exclude each other");
  }

  @Test
  void branchNamesOfRefs() {
    assertThat(LocalGit.branchNames(List.of("refs/heads/main", "refs/remotes/origin/main", "refs/remotes/origin/HEAD",
        "refs/remotes/upstream/feature/y", "refs/tags/v1"))).containsExactly("main", "feature/y");
  }

  @Test
  void readsADetachedHeadFromARealRepository(@TempDir Path repo) throws Exception {
    git(repo, "init", "-q", "-b", "trunk");
    Files.writeString(repo.resolve("f"), "1");
    git(repo, "add", "f");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "one");
    LocalGit.Trigger attached = LocalGit.resolve(repo, null, null, null);
    assertThat(attached.branch()).isEqualTo("trunk");
    assertThat(attached.notice()).isNull();

    git(repo, "checkout", "-q", "--detach");
    LocalGit.Trigger detached = LocalGit.resolve(repo, null, null, null);
    assertThat(detached.branch()).isEqualTo("trunk");
    assertThat(detached.revision()).matches("[0-9a-f]{40}");
    assertThat(detached.notice()).contains("detached HEAD", "using branch trunk");

    Files.writeString(repo.resolve("f"), "2");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-am", "two");
    LocalGit.Trigger ahead = LocalGit.resolve(repo, null, null, null);
    assertThat(ahead.branch()).isEqualTo("main");
    assertThat(ahead.notice()).contains("no branch points at it");
  }

  static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + ": " + out);
    }
  }
}
