package dev.circlet.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.runner.mask.MaskingLineWriter;
import dev.circlet.runner.mask.SecretMasker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A test report quoting a secret (a failure message, captured output) leaves the agent masked. */
class MaskedTestReportTest {
  @Test
  void aSecretInATestReportIsMaskedBeforeItLeaves() {
    List<String> sent = new ArrayList<>();
    JobLog sink = new JobLog() {
      @Override
      public void stepStarted(int n, String step) {
      }

      @Override
      public MaskingLineWriter.LineSink lines(int n, String step) {
        return (b, off, len) -> { };
      }

      @Override
      public void notice(String step, String message) {
      }

      @Override
      public void stepFinished(StepResult result) {
      }

      @Override
      public void testReport(int n, String path, byte[] xml) {
        sent.add(path + " " + new String(xml, StandardCharsets.UTF_8));
      }
    };
    new MaskedJobLog(sink, new SecretMasker(List.of("hunter2-secret")))
        .testReport(2, "r.xml", "<failure message=\"token hunter2-secret rejected\"/>".getBytes(StandardCharsets.UTF_8));
    assertThat(sent).singleElement().asString().doesNotContain("hunter2-secret").contains("r.xml", "rejected");
  }
}
