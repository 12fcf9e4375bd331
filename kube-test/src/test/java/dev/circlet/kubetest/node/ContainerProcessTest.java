package dev.circlet.kubetest.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerProcessTest {

  @Test
  void runsWithExactlyItsEnvironmentAndLogsOutput(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("c.log");
    ContainerProcess p = ContainerProcess.start(List.of("/bin/sh", "-c", "echo \"$GREETING from $(pwd)\"; exit 7"),
        Map.of("GREETING", "hi", "PATH", "/usr/bin:/bin"), tmp, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (p.alive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(p.exitCode()).isEqualTo(7);
    assertThat(Files.readString(log)).isEqualTo("hi from " + tmp.toRealPath() + "\n");
  }

  @Test
  void stopEndsTheWholeTreeIncludingChildrenInTheirOwnSession(@TempDir Path tmp) throws Exception {
    Path pidFile = tmp.resolve("child");
    ContainerProcess p = ContainerProcess.start(
        List.of("/bin/sh", "-c", "setsid sleep 600 & echo $! > " + pidFile + "; wait"),
        Map.of("PATH", "/usr/bin:/bin"), tmp, tmp.resolve("log"));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!(Files.exists(pidFile) && Files.readString(pidFile).endsWith("\n")) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long child = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).contains(true);

    p.stop(Duration.ofSeconds(10));

    assertThat(p.exitCode()).isEqualTo(128 + 15);
    deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
