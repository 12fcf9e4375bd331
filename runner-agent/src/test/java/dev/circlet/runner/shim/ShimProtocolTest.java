package dev.circlet.runner.shim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the real POSIX-sh shim with /bin/sh in a temporary directory. */
class ShimProtocolTest {
  @TempDir Path tmp;
  ShimDriver shim;

  @BeforeEach
  void start() throws Exception {
    shim = new ShimDriver(tmp.resolve("circlet"));
    shim.startLocal();
    shim.awaitReady(Duration.ofSeconds(60));
  }

  @AfterEach
  void stop() throws Exception {
    shim.close();
  }

  private String run(StepProcess p, Duration noOutput) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StepProcess.Result r = p.await(out::write, noOutput, () -> false, Duration.ofMillis(500));
    return r.end() + " " + r.exitCode() + " " + out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runsScriptWithShellCwdAndEnvAndRecordsExit() throws Exception {
    Path wd = tmp.resolve("work");
    StepProcess p = shim.start(1, "echo \"$FOO in $(pwd)\"; echo err >&2; exit 3\n",
        "export FOO='b a'\"'\"'r'\n", wd.toString(), "/bin/sh -e");
    assertThat(run(p, null)).isEqualTo("EXITED 3 b a'r in " + wd + "\nerr\n");
    assertThat(Files.readString(tmp.resolve("circlet/steps/1/exit")).strip()).isEqualTo("3");
  }

  @Test
  void defaultShellIsBashWithPipefail() throws Exception {
    StepProcess p = shim.start(2, "echo $BASH_VERSION | cut -c1-1; false | true; echo unreachable\n", "", "", "");
    String out = run(p, null);
    assertThat(out).startsWith("EXITED 1 ").doesNotContain("unreachable");
  }

  @Test
  void stepsRunInTheirOwnProcessGroupAndKillStopsTheWholeGroup() throws Exception {
    Path marker = tmp.resolve("child-alive");
    // a background grandchild keeps writing unless the whole group is killed
    StepProcess p = shim.start(3, "(while true; do date > " + marker + "; sleep 0.1; done) &\necho started\nsleep 30\n",
        "", "", "/bin/sh");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    boolean[] cancel = {false};
    Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(400);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      cancel[0] = true;
    });
    StepProcess.Result r = p.await(out::write, null, () -> cancel[0], Duration.ofMillis(500));
    assertThat(r.end()).isEqualTo(StepProcess.End.CANCELED);
    assertThat(r.exitCode()).isIn(143, 137);
    // The loop writes every 0.1 s while it lives; a write already forked when the kill landed may
    // still finish, so wait (bounded) for the marker to stay still instead of sampling it once.
    assertThat(MarkerFile.staysStill(marker, Duration.ofSeconds(1), Duration.ofSeconds(30)))
        .as("the step's background loop is still writing %s", marker).isTrue();
  }

  @Test
  void noOutputTimeoutKillsASilentStep() throws Exception {
    StepProcess p = shim.start(4, "echo begin; sleep 20; echo never\n", "", "", "/bin/sh");
    String out = run(p, Duration.ofMillis(300));
    assertThat(out).startsWith("NO_OUTPUT_TIMEOUT").contains("begin").doesNotContain("never");
  }

  @Test
  void cannotEnterWorkingDirectoryFailsTheStep() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    StepProcess p = shim.start(5, "echo hi\n", "", file.resolve("sub").toString(), "/bin/sh");
    assertThat(run(p, null)).startsWith("EXITED 1 circlet-shim: cannot enter working directory");
  }

  @Test
  void doneEndsTheShimWithTheGivenCodeAndKeepsTheSummary() throws Exception {
    shim.finish("{\"outcome\":\"failed\",\"steps\":[]}", 1);
    assertThat(shim.awaitLocalExit(Duration.ofSeconds(5))).isEqualTo(1);
    assertThat(Files.readString(tmp.resolve("circlet/summary.json"))).contains("failed");
  }

  @Test
  void haltRequestIsSeenOnce() throws Exception {
    StepProcess p = shim.start(6, "circleci-agent step halt\n", "", "", "/bin/sh");
    assertThat(run(p, null)).startsWith("EXITED 0");
    assertThat(shim.takeHalt()).isTrue();
    assertThat(shim.takeHalt()).isFalse();
  }

  @Test
  void installCopiesExecutableShimAndTools() throws Exception {
    Path d = tmp.resolve("installed");
    ShimDriver.install(d);
    for (String t : ShimDriver.TOOLS) {
      assertThat(Files.isExecutable(d.resolve("bin").resolve(t))).as(t).isTrue();
    }
  }
}
