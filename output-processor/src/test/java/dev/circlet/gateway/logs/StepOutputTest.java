package dev.circlet.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class StepOutputTest {
  static final String SECRET = "hunter2-s3cr3t-value";
  static final MaskPatterns PATTERNS = MaskPatterns.of(List.of(SECRET, "xy"));

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Feeds text split at the given cut points; returns what was stored. */
  static String feed(StepOutput out, String text, int... cuts) {
    byte[] all = b(text);
    ByteArrayOutputStream stored = new ByteArrayOutputStream();
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : all.length;
      byte[] chunk = java.util.Arrays.copyOfRange(all, from, to);
      stored.writeBytes(out.accept(from, chunk).data());
      from = to;
    }
    stored.writeBytes(out.end(all.length).data());
    return stored.toString(StandardCharsets.UTF_8);
  }

  static StepOutput fresh(long cap) {
    return new StepOutput(PATTERNS, cap, 0, 0, false, false);
  }

  static Stream<Arguments> maskCases() {
    String b64 = Base64.getEncoder().encodeToString(b(SECRET));
    return Stream.of(
        Arguments.of("plain", "token=" + SECRET + "\n", "token=********\n"),
        Arguments.of("twice", SECRET + SECRET, "****************"),
        Arguments.of("base64", "auth: " + b64 + "\n", "auth: ********\n"),
        Arguments.of("inside longer base64", Base64.getEncoder().encodeToString(b("user:" + SECRET + ":x")),
            null),
        Arguments.of("short values are not masked", "xy xy\n", "xy xy\n"),
        Arguments.of("prefix only, never completed", "hunter2-s3cr", "hunter2-s3cr"),
        Arguments.of("unrelated", "hello world\n", "hello world\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("maskCases")
  void masksAtEveryCutPoint(String name, String input, String expected) {
    for (int cut = 0; cut <= b(input).length; cut++) {
      String got = feed(fresh(1 << 20), input, cut);
      if (expected != null) {
        assertThat(got).as("cut at %d", cut).isEqualTo(expected);
      } else {
        assertThat(got).as("cut at %d", cut).contains("********");
      }
      assertThat(got).doesNotContain(SECRET);
    }
  }

  @Test
  void masksAValueSplitAcrossManyOneByteChunks() {
    String input = "a" + SECRET + "b";
    int[] cuts = new int[input.length() - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    assertThat(feed(fresh(1 << 20), input, cuts)).isEqualTo("a********b");
  }

  @Test
  void acknowledgesOnlyWhatLeftTheMasker() {
    StepOutput out = fresh(1 << 20);
    StepOutput.Append a = out.accept(0, b("ok hunter2"));
    assertThat(new String(a.data(), StandardCharsets.UTF_8)).isEqualTo("ok ");
    assertThat(a.consumedAfter()).isEqualTo(3);
    assertThat(out.received()).isEqualTo(10);
  }

  @Test
  void aResumedStreamSkipsWhatWasReceivedAndRefusesAGap() {
    StepOutput out = fresh(1 << 20);
    out.accept(0, b("line one\n"));
    StepOutput.Append dup = out.accept(0, b("line one\nline two\n"));
    assertThat(new String(dup.data(), StandardCharsets.UTF_8)).isEqualTo("line two\n");
    assertThat(out.accept(5, b("one\n")).isEmpty()).isTrue();
    assertThatThrownBy(() -> out.accept(40, b("x"))).isInstanceOf(LogProtocolException.class)
        .hasMessageContaining("gap");
  }

  @Test
  void aGatewayRestartResumesFromTheDurableOffsetWithTheHeldTailSentAgain() {
    StepOutput first = fresh(1 << 20);
    StepOutput.Append a = first.accept(0, b("key hunter2-s3"));
    // the new process only knows what was durable
    StepOutput second = new StepOutput(PATTERNS, 1 << 20, a.consumedAfter(), a.storedAfter(), false, false);
    byte[] rest = b("key hunter2-s3cr3t-value done");
    StepOutput.Append b2 = second.accept(a.consumedAfter(),
        java.util.Arrays.copyOfRange(rest, (int) a.consumedAfter(), rest.length));
    String stored = new String(a.data(), StandardCharsets.UTF_8) + new String(b2.data(), StandardCharsets.UTF_8)
        + new String(second.end(rest.length).data(), StandardCharsets.UTF_8);
    assertThat(stored).isEqualTo("key ******** done");
  }

  @Test
  void theCapDropsLaterOutputWithOneMarkerAndAcknowledgesIt() {
    StepOutput out = fresh(10);
    StepOutput.Append a = out.accept(0, b("0123456"));
    assertThat(a.capped()).isFalse();
    StepOutput.Append c = out.accept(7, b("789abcdef"));
    assertThat(c.capped()).isTrue();
    assertThat(new String(c.data(), StandardCharsets.UTF_8)).startsWith("789\n[circlet] this step's output passed the 10 bytes limit");
    assertThat(c.consumedAfter()).isEqualTo(16);
    StepOutput.Append d = out.accept(16, new byte[1 << 16]);
    assertThat(d.isEmpty()).isTrue();
    assertThat(d.consumedAfter()).isEqualTo(16 + (1 << 16));
    StepOutput.Append e = out.end(16 + (1 << 16));
    assertThat(e.ended()).isTrue();
    assertThat(e.isEmpty()).isTrue();
    assertThat(out.stored()).isEqualTo(10 + StepOutput.capMarker(10).length);
  }

  @Test
  void aCappedStepRestoredFromStorageStoresNothingMore() {
    StepOutput out = new StepOutput(PATTERNS, 10, 100, 80, true, false);
    StepOutput.Append a = out.accept(100, b("more"));
    assertThat(a.isEmpty()).isTrue();
    assertThat(a.consumedAfter()).isEqualTo(104);
  }

  @Test
  void anEndThatLeavesAGapIsRefusedAndAChunkAfterTheEndToo() {
    StepOutput out = fresh(100);
    out.accept(0, b("abc"));
    assertThatThrownBy(() -> out.end(5)).isInstanceOf(LogProtocolException.class);
    out.end(3);
    assertThat(out.end(3).ended()).isTrue();
    assertThatThrownBy(() -> out.accept(3, b("d"))).isInstanceOf(LogProtocolException.class);
  }

  @Test
  void alignedBase64CoresMatchTheEncodingInsideLongerText() {
    byte[] value = b(SECRET);
    for (int shift = 0; shift < 3; shift++) {
      byte[] text = new byte[shift + value.length + 2];
      java.util.Arrays.fill(text, (byte) 'z');
      System.arraycopy(value, 0, text, shift, value.length);
      String enc = Base64.getEncoder().encodeToString(text);
      assertThat(enc).contains(MaskPatterns.alignedCore(value, shift));
    }
  }
}
