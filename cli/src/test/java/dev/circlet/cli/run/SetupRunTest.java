package dev.circlet.cli.run;

import static dev.circlet.cli.run.RunExamplesTest.circlet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.cli.run.RunExamplesTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic configuration in {@code circlet run} (shell engine): a path-filtering-like setup job
 * continues through an orb whose curl posts to {@code https://circleci.com/api/v2/pipeline/continue};
 * a second continuation and a wrong key are refused; a setup workflow that never continues ends the run.
 */
class SetupRunTest {
  static final Path FIXTURES = Path.of("src", "test", "resources", "setup").toAbsolutePath();

  @TempDir Path tmp;

  Path project(String setup) throws IOException {
    Path p = tmp.resolve("mono");
    Files.createDirectories(p.resolve(".circleci/orbs/acme/continue"));
    Files.copy(FIXTURES.resolve(setup), p.resolve(".circleci/config.yml"));
    Files.copy(FIXTURES.resolve("continue.yml"), p.resolve(".circleci/continue.yml"));
    Files.copy(FIXTURES.resolve("orbs/acme/continue/1.0.0.yml"), p.resolve(".circleci/orbs/acme/continue/1.0.0.yml"));
    return p;
  }

  static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
        "-c", "commit.gpgsign=false"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void aPathFilteringSetupContinuesWithTheWorkflowsOfWhatChanged() throws Exception {
    Path p = project("path-filtering.yml");
    Files.createDirectories(p.resolve("api"));
    Files.createDirectories(p.resolve("web"));
    Files.writeString(p.resolve("api/main.txt"), "v1\n");
    Files.writeString(p.resolve("web/index.txt"), "v1\n");
    git(p, "init", "-q", "-b", "main");
    git(p, "add", "-A");
    git(p, "commit", "-q", "-m", "base");
    Files.writeString(p.resolve("api/main.txt"), "v2\n");
    git(p, "commit", "-q", "-am", "change the api");

    Run r = circlet("run", p.toString(), "--engine", "shell");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("setup is a setup workflow")
        .contains("parameters: {\"target\":\"changed-only\",\"build-api\":true,\"build-web\":false}")
        .contains("\"message\":\"continued\"")
        .contains("Workflow setup succeeded")
        .contains("the pipeline continues with the configuration setup sent")
        .contains("building api (changed-only)")
        .contains("Workflow api succeeded")
        .doesNotContain("building web")
        .doesNotContain("Workflow web");
    // The throwaway certificate and key do not outlive the run.
    try (Stream<Path> s = Files.list(p.resolve(".circlet"))) {
      assertThat(s.map(x -> x.getFileName().toString())).noneMatch(n -> n.startsWith("continuation-"));
    }
  }

  @Test
  void aSecondContinuationAndAWrongKeyAreRefused() throws Exception {
    Path p = project("twice.yml");
    Run r = circlet("run", p.toString(), "--engine", "shell");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("wrong key: 401").contains("the continuation key is not valid")
        .contains("first: 200")
        .contains("second: 409").contains("Already continued")
        .contains("continued job ran")
        .contains("Workflow after succeeded");
  }

  @Test
  void aSetupWorkflowThatNeverContinuesEndsTheRun() throws Exception {
    Path p = project("never.yml");
    Run r = circlet("run", p.toString(), "--engine", "shell");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("nothing to build; not continuing").contains("Workflow setup succeeded");
    assertThat(r.err()).contains("the setup workflow setup finished without continuing the pipeline")
        .contains("so the pipeline ends here");
  }

  @Test
  void anInvalidContinuedConfigurationFailsTheRun() throws Exception {
    Path p = project("path-filtering.yml");
    Files.writeString(p.resolve(".circleci/continue.yml"), """
        version: 2.1
        workflows:
          w: {jobs: [missing]}
        """);
    Files.createDirectories(p.resolve("api"));
    Files.writeString(p.resolve("api/main.txt"), "v1\\n");
    git(p, "init", "-q", "-b", "main");
    git(p, "add", "-A");
    git(p, "commit", "-q", "-m", "base");
    Files.writeString(p.resolve("api/main.txt"), "v2\\n");
    git(p, "commit", "-q", "-am", "change");
    Run r = circlet("run", p.toString(), "--engine", "shell");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.out()).contains("Workflow setup succeeded");
    assertThat(r.err()).contains("continuation from setup").contains("missing")
        .contains("the configuration setup continued with is not valid");
  }
}
