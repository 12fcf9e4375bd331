package dev.circlet.runner.shim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images without {@code setsid} (no util-linux, no busybox applet): the shim kills the step's process tree via /proc. */
class ShimWithoutSetsidTest {
  @TempDir Path tmp;

  @Test
  void killReachesGrandchildrenWithoutSetsid() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    for (String tool : List.of("mkdir", "mkfifo", "sed", "cat", "sleep", "date", "true")) {
      for (String dir : List.of("/usr/bin/", "/bin/")) {
        if (Files.isExecutable(Path.of(dir + tool))) {
          Files.createSymbolicLink(bin.resolve(tool), Path.of(dir + tool));
          break;
        }
      }
    }
    Path d = tmp.resolve("circlet");
    ShimDriver.install(d);
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", d.resolve("bin/circlet-shim").toString(), d.toString());
    pb.environment().put("PATH", bin.toString());
    pb.redirectErrorStream(true);
    Process shim = pb.start();
    try (ShimDriver driver = new ShimDriver(d)) {
      driver.awaitReady(Duration.ofSeconds(60));
      Path marker = tmp.resolve("alive");
      StepProcess p = driver.start(1, "command -v setsid || echo no-setsid\n(while true; do date > " + marker
          + "; sleep 0.1; done) &\nsleep 30\n", "", "", "/bin/sh");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      // Canceled once the background loop has written its marker (not after a fixed time: on a
      // loaded machine the step may not even have started by then).
      StepProcess.Result r = p.await(out::write, null, () -> Files.exists(marker), Duration.ofMillis(500));
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("no-setsid\n");
      assertThat(r.end()).isEqualTo(StepProcess.End.CANCELED);
      // The loop writes every 0.1 s while it lives; a write already forked when the kill landed may
      // still finish, so wait (bounded) for the marker to stay still instead of sampling it once.
      assertThat(MarkerFile.staysStill(marker, Duration.ofSeconds(1), Duration.ofSeconds(30)))
          .as("the step's background loop is still writing %s", marker).isTrue();
    } finally {
      shim.destroy();
    }
  }
}
