package dev.circlet.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8CutTest {
  static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  @Test
  void a_slice_never_ends_inside_a_character() {
    // text, then every cut of a 2-, 3- and 4-byte character
    record Row(byte[] data, int complete) {}
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // e2 82 ac
    byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8); // f0 9f 98 80
    Row[] rows = {
        new Row(bytes(), 0),
        new Row("abc".getBytes(StandardCharsets.UTF_8), 3),
        new Row(bytes('a', 0xc3), 1),
        new Row(bytes('a', 0xc3, 0xa9), 3),
        new Row(bytes('a', euro[0]), 1),
        new Row(bytes('a', euro[0], euro[1]), 1),
        new Row(bytes('a', euro[0], euro[1], euro[2]), 4),
        new Row(bytes(emoji[0]), 0),
        new Row(bytes(emoji[0], emoji[1], emoji[2]), 0),
        new Row(bytes('a', emoji[0], emoji[1], emoji[2], emoji[3]), 5),
        // not UTF-8: stray continuation bytes and bytes that lead nothing are passed on
        new Row(bytes('a', 0x80, 0x80, 0x80), 4),
        new Row(bytes('a', 0xff), 2),
        new Row(bytes('a', 0xc0), 2),
    };
    for (Row r : rows) {
      assertThat(Utf8Cut.completeLength(r.data())).as(java.util.HexFormat.of().formatHex(r.data()))
          .isEqualTo(r.complete());
    }
  }
}
