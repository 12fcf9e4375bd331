package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunHousekeepingTest {
  @TempDir Path tmp;

  @Test
  void prunesAllButTheNewestRuns() {
    assertThat(RunHousekeeping.toPrune(List.of(1, 2, 3, 10, 4), 2)).containsExactly(3, 2, 1);
    assertThat(RunHousekeeping.toPrune(List.of(1, 2), 2)).isEmpty();
    assertThat(RunHousekeeping.toPrune(List.of(), 5)).isEmpty();
  }

  @Test
  void pruneDeletesOnlyNumberedRunDirectories() throws Exception {
    Path runs = tmp.resolve("runs");
    for (String n : List.of("1", "2", "3", "notes")) {
      Files.createDirectories(runs.resolve(n).resolve("logs"));
      Files.writeString(runs.resolve(n).resolve("logs/a.log"), "x");
    }
    assertThat(RunHousekeeping.prune(runs, 1)).isEqualTo(2);
    try (var s = Files.list(runs)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly("3", "notes");
    }
  }

  @Test
  void excludesCircletOnceInTheCloneNotInTrackedFiles() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve("sub"));
    LocalGitTest.git(repo, "init", "-q");
    Path sub = repo.resolve("sub");
    Path exclude = RunHousekeeping.excludeFromGit(sub);
    assertThat(exclude).isNotNull();
    assertThat(Files.readString(repo.resolve(".git/info/exclude"))).contains("/sub/.circlet/");
    Files.writeString(sub.resolve(".circlet/x"), "state");
    Process st = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=all").directory(repo.toFile()).start();
    assertThat(new String(st.getInputStream().readAllBytes())).doesNotContain(".circlet");
    assertThat(RunHousekeeping.excludeFromGit(sub)).isNull();
    String text = Files.readString(repo.resolve(".git/info/exclude"));
    assertThat(text.indexOf("/sub/.circlet/")).isEqualTo(text.lastIndexOf("/sub/.circlet/"));
    assertThat(repo.resolve(".gitignore")).doesNotExist();
    assertThat(RunHousekeeping.excludeFromGit(tmp.resolve("not-a-repo"))).isNull();
  }
}
