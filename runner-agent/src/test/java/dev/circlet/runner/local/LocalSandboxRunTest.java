package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.config.model.ContainerImage;
import dev.circlet.config.model.Executor;
import dev.circlet.config.model.JobSpec;
import dev.circlet.runner.TestJobs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shell mode keeps jobs inside {@code .circlet/}: private HOME, moved working directories, warnings, pruning. */
class LocalSandboxRunTest {
  @TempDir Path project;
  final ByteArrayOutputStream console = new ByteArrayOutputStream();

  LocalWorkflowRunner runner(int keepRuns) {
    LocalGit.Trigger trigger = new LocalGit.Trigger("feature/x", null, "abc", null, null, null);
    return new LocalWorkflowRunner(new LocalWorkflowRunner.Options(project, 2, Map.of(), console,
        Duration.ofMillis(500), trigger, null, keepRuns));
  }

  static JobSpec job(String name, String wd, Integer parallelism, Map<String, String> env, String... commands) {
    Executor ex = new Executor("docker", List.of(new ContainerImage("cimg/base:2024.01", null, null, null, null, null)), null);
    return new JobSpec(name, "build", List.of(), ex, null, wd, null, env, parallelism,
        java.util.Arrays.stream(commands).map(c -> TestJobs.run("s", c)).toList(), List.of(), null);
  }

  String out() {
    return console.toString(StandardCharsets.UTF_8);
  }

  static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void homeWorkingDirectoryAndToolHomesStayUnderTheJobsDirectory() throws Exception {
    List<JobOutcome> out = runner(20).run(List.of(job("build", "/workspace", 1, Map.of("GOPATH", "/go"),
        "pwd > $HOME/where; echo \"$HOME\" >> $HOME/where; echo \"$GOPATH\" >> $HOME/where; echo \"$CIRCLE_BRANCH\" >> $HOME/where",
        "echo would run: sudo make install")));
    assertThat(out).singleElement().extracting(JobOutcome::status).isEqualTo("success");
    Path node = project.resolve(".circlet/work/build").toRealPath();
    List<String> where = Files.readAllLines(node.resolve("home/where"));
    assertThat(where).containsExactly(node.resolve("root/workspace").toString(), node.resolve("home").toString(),
        node.resolve("root/go").toString(), "feature/x");
    assertThat(Path.of("/workspace")).doesNotExist();
    assertThat(out()).contains("[build] notice: working_directory /workspace is at .circlet/work/build/root/workspace in this run")
        .contains("[build] notice: GOPATH=/go is .circlet/work/build/root/go in this run")
        .contains("[build] warning: step \"s\" uses sudo: in this machine's shell it changes this machine, not a container")
        .contains("a check of the command text only");
  }

  @Test
  void aParallelJobPrintsSharedNoticesOnceAndDifferingOnesPerNode() throws Exception {
    List<JobOutcome> out = runner(20).run(List.of(job("test", "/srv/app", 3, Map.of(), "echo node $CIRCLE_NODE_INDEX")));
    assertThat(out.get(0).nodes()).hasSize(3);
    String text = out();
    assertThat(count(text, "docker image cimg/base:2024.01 is not started")).isEqualTo(1);
    assertThat(text).contains("[test] notice: docker image cimg/base:2024.01 is not started")
        .contains("[test#0] notice: working_directory /srv/app is at .circlet/work/test.0/root/srv/app")
        .contains("[test#2] notice: working_directory /srv/app is at .circlet/work/test.2/root/srv/app");
  }

  @Test
  void aSystemWorkingDirectoryFailsTheJobWithAClearMessageAndRunsNothing() throws Exception {
    Path marker = project.resolve("ran");
    List<JobOutcome> out = runner(20).run(List.of(job("odd", "/usr", 1, Map.of(), "touch " + marker)));
    assertThat(out.get(0).status()).isEqualTo("failed");
    assertThat(out.get(0).error()).contains("working_directory /usr is a system directory");
    assertThat(out()).contains("[odd] error: working_directory /usr is a system directory");
    assertThat(marker).doesNotExist();
  }

  @Test
  void keepsOnlyTheLastRuns() throws Exception {
    for (int i = 0; i < 4; i++) {
      runner(2).run(List.of(job("a", null, 1, Map.of(), "true")));
    }
    try (var s = Files.list(project.resolve(".circlet/runs"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly("3", "4");
    }
  }
}
