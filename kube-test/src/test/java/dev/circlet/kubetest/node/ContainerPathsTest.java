package dev.circlet.kubetest.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerPathsTest {

  private static final Path ROOT = Path.of("/w/pod/containers/c/root");

  private static ContainerPaths paths() {
    Map<String, Path> m = new LinkedHashMap<>();
    m.put("/circlet", Path.of("/w/pod/volumes/circlet"));
    m.put("/etc/circlet/build", Path.of("/w/pod/volumes/build"));
    m.put("/etc/circlet/build/extra", Path.of("/w/pod/volumes/extra"));
    m.put("/dev/termination-log", Path.of("/w/pod/containers/c/termination-log"));
    return new ContainerPaths(ROOT, m);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/circlet|/w/pod/containers/c/root/circlet",
      "/circlet/bin/circlet-shim|/w/pod/containers/c/root/circlet/bin/circlet-shim",
      "/circletx|/circletx",
      "/bin/sh|/bin/sh",
      "/etc/circlet/build/job.json|/w/pod/containers/c/root/etc/circlet/build/job.json",
      "/etc/circlet/build/extra/x|/w/pod/containers/c/root/etc/circlet/build/extra/x",
      "echo hi > /dev/termination-log; cat /circlet/x|echo hi > /w/pod/containers/c/root/dev/termination-log; cat /w/pod/containers/c/root/circlet/x",
      "PATH=/circlet/bin:/usr/bin|PATH=/w/pod/containers/c/root/circlet/bin:/usr/bin",
      "'/circlet'|'/w/pod/containers/c/root/circlet'",
      "a/circlet|a/circlet",
      "~/project|~/project",
  })
  void rewritesPathsUnderMountsOnly(String in, String out) {
    assertThat(paths().rewrite(in)).isEqualTo(out);
  }

  @Test
  void linksPointAtTheVolumes(@TempDir Path tmp) throws Exception {
    Path vol = Files.createDirectories(tmp.resolve("vol"));
    Files.writeString(vol.resolve("f"), "x");
    Path term = Files.createFile(tmp.resolve("term"));
    ContainerPaths p = new ContainerPaths(tmp.resolve("root"),
        Map.of("/home/circleci", vol, "/dev/termination-log", term));
    p.link();
    assertThat(Files.readString(Path.of(p.rewrite("/home/circleci/f")))).isEqualTo("x");
    Files.writeString(Path.of(p.rewrite("/dev/termination-log")), "bye");
    assertThat(Files.readString(term)).isEqualTo("bye");
  }
}
