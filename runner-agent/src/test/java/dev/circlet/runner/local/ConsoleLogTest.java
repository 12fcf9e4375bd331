package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleLogTest {
  @Test
  void agentErrorsAreShortOnTheConsoleAndWholeInTheFile() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    String path = "/p/.circlet/store/caches/" + "%7B%7B+checksum+%22a%22+%7D%7D".repeat(20) + ".tar.gz";
    byte[] error = ("Error: " + path + ": File name too long").getBytes(StandardCharsets.UTF_8);
    byte[] output = ("plain step output " + path).getBytes(StandardCharsets.UTF_8);
    try (ConsoleLog log = new ConsoleLog("build", console, file)) {
      log.lines(3, "Saving cache").line(error, 0, error.length);
      log.lines(4, "Echo").line(output, 0, output.length);
      log.fileText("[build] notice: only in the file");
    }
    String c = console.toString(StandardCharsets.UTF_8);
    String f = file.toString(StandardCharsets.UTF_8);
    String errorLine = c.lines().filter(l -> l.startsWith("[build/Saving cache]")).findFirst().orElseThrow();
    assertThat(errorLine).startsWith("[build/Saving cache] Error: /p/.circlet/store/caches/%7B%7B+checksum")
        .contains("more characters)…").endsWith(".tar.gz: File name too long").doesNotContain(path).hasSizeLessThan(160);
    assertThat(c).contains("[build/Echo] plain step output " + path).doesNotContain("only in the file");
    assertThat(f).contains("[build/Saving cache] Error: " + path + ": File name too long")
        .contains("[build] notice: only in the file");
  }
}
