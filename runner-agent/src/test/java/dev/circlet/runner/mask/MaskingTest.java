package dev.circlet.runner.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class MaskingTest {
  static final String S = "s3cr3t-Value";
  static final String B64 = Base64.getEncoder().encodeToString(S.getBytes(StandardCharsets.UTF_8));

  static Stream<Arguments> lines() {
    return Stream.of(
        Arguments.of("token=" + S, "token=********"),
        Arguments.of(S + S, "****************"),
        Arguments.of("b64 " + B64 + " end", "b64 ******** end"),
        Arguments.of("unpadded " + B64.replace("=", ""), "unpadded ********"),
        Arguments.of("short abc stays", "short abc stays"),
        Arguments.of("almost s3cr3t-Valu", "almost s3cr3t-Valu"),
        Arguments.of("line1-of-key here", "******** here"),
        Arguments.of("", ""));
  }

  @ParameterizedTest
  @MethodSource("lines")
  void masksExactAndBase64Forms(String in, String expected) {
    SecretMasker m = new SecretMasker(List.of(S, "abc", "line1-of-key\nline2-of-key"));
    assertThat(m.mask(in)).isEqualTo(expected);
  }

  private static List<String> feed(SecretMasker m, List<String> chunks) {
    List<String> out = new ArrayList<>();
    MaskingLineWriter w = new MaskingLineWriter(m, (b, off, len) -> out.add(new String(b, off, len, StandardCharsets.UTF_8)));
    for (String c : chunks) {
      byte[] b = c.getBytes(StandardCharsets.UTF_8);
      w.write(b, 0, b.length);
    }
    w.close();
    return out;
  }

  @Test
  void secretSplitAcrossWritesIsMasked() {
    SecretMasker m = new SecretMasker(List.of(S));
    assertThat(feed(m, List.of("a s3c", "r3t-V", "alue b\nnext ", S.substring(0, 3), S.substring(3) + "\r\n")))
        .containsExactly("a ******** b", "next ********");
  }

  @Test
  void overlongLineIsFlushedInPiecesWithoutLeakingASecretAtTheCut() {
    SecretMasker m = new SecretMasker(List.of(S));
    String filler = "x".repeat(MaskingLineWriter.MAX_LINE - 5);
    List<String> out = feed(m, List.of(filler, S, "y".repeat(MaskingLineWriter.MAX_LINE), "\n"));
    String all = String.join("", out);
    assertThat(all).doesNotContain(S).contains("x********y");
    assertThat(out.size()).isGreaterThan(1);
  }

  @Test
  void noSecretsPassesBytesThrough() {
    assertThat(feed(new SecretMasker(List.of()), List.of("a\nb", "c\n"))).containsExactly("a", "bc");
  }

  static String b64(Base64.Encoder e, String s) {
    return e.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** How a step can print a secret in base64, and what must be left of it. */
  static Stream<Arguments> base64Leaks() {
    Base64.Encoder std = Base64.getEncoder();
    Base64.Encoder url = Base64.getUrlEncoder();
    String v = "p4ss?w0rd>>value~";
    return Stream.of(
        Arguments.of("echo \"$S\" | base64", b64(std, v + "\n")),
        Arguments.of("echo -n \"$S\" | base64", b64(std, v)),
        Arguments.of("unpadded", b64(std, v + "\n").replace("=", "")),
        Arguments.of("URL-safe", b64(url, v)),
        Arguments.of("URL-safe with newline", b64(url, v + "\n")),
        Arguments.of("inside a stream, offset 0", b64(std, v + "&other=1")),
        Arguments.of("inside a stream, offset 1", b64(std, "x" + v + "&other=1")),
        Arguments.of("inside a stream, offset 2", b64(std, "xy" + v + "&other=1")),
        Arguments.of("inside a JSON blob", b64(std, "{\"user\":\"bot\",\"token\":\"" + v + "\"}")),
        Arguments.of("URL-safe in a stream, offset 1", b64(url, "{" + v + "}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("base64Leaks")
  void base64FormsOfTheValueAreMasked(String how, String printed) {
    String v = "p4ss?w0rd>>value~";
    SecretMasker m = new SecretMasker(List.of(v));
    String masked = m.mask("out: " + printed + " end");
    assertThat(masked).contains("********").doesNotContain(v);
    // what is left decodes to no more than a few bytes next to the value, never the value
    String left = masked.replace("out: ", "").replace(" end", "");
    for (String part : left.split("\\*{8}")) {
      assertThat(part.length()).as(how + ": " + masked).isLessThan(printed.length() - 16);
    }
  }

  @Test
  void shortFragmentsOfShortValuesAreNotMaskedInOrdinaryText() {
    SecretMasker m = new SecretMasker(List.of("abcd"));
    assertThat(m.mask("the abc of it")).isEqualTo("the abc of it");
    assertThat(SecretMasker.base64Forms("abcd".getBytes(StandardCharsets.UTF_8))).allMatch(f -> f.length() >= 4);
  }

  /** {@code echo "$TOKEN" | base64} wraps a long value's encoding at 76 columns (openssl at 64). */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {76, 64})
  void wrappedBase64OfALongValueIsMaskedOnEveryLine(int width) {
    String v = "ghp_" + "A1b2C3d4E5".repeat(7);
    String encoded = b64(Base64.getEncoder(), v + "\n");
    SecretMasker m = new SecretMasker(List.of(v));
    for (int i = 0; i < encoded.length(); i += width) {
      String line = encoded.substring(i, Math.min(encoded.length(), i + width));
      assertThat(m.mask(line).replace("********", "").length()).as(line).isLessThanOrEqualTo(2);
    }
  }
}
