package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorTextTest {
  @Test
  void aLongEncodedPathKeepsItsEndsAndSaysHowMuchWasLeftOut() {
    String encoded = "/p/.circlet/store/caches/" + "v1-deps-%7B%7B+checksum+%22package-lock.json%22+%7D%7D-".repeat(10) + "x.tar.gz";
    String msg = "Error: " + encoded + ": File name too long";
    String s = ErrorText.shorten(msg);
    assertThat(msg.length()).isGreaterThan(560);
    assertThat(s).startsWith("Error: /p/.circlet/store/caches/v1-deps-%7B")
        .contains("…(" + (encoded.length() + 1 - 64) + " more characters)…")
        .endsWith("x.tar.gz: File name too long");
    assertThat(s.length()).isLessThan(150);
  }

  @Test
  void shortMessagesAreUnchangedAndLongProseIsCut() {
    assertThat(ErrorText.shorten("Error: no such file: a/b")).isEqualTo("Error: no such file: a/b");
    String prose = "word ".repeat(200);
    assertThat(ErrorText.shorten(prose)).hasSizeLessThan(480).endsWith("the full text is in the job's log)");
    assertThat(ErrorText.shorten(null)).isEmpty();
  }
}
