package dev.circlet.gateway.logs;

/**
 * Where to cut a slice of output so a text frame never splits a UTF-8 character: readers that
 * count offsets in bytes of the text they received then resume exactly at the next byte.
 */
public final class Utf8Cut {
  private Utf8Cut() {}

  /**
   * The length of the longest prefix of {@code data} that does not end inside a multi-byte
   * character. Bytes that are not valid UTF-8 never hold output back: only a lead byte whose
   * continuation bytes are still missing is kept for the next slice.
   */
  public static int completeLength(byte[] data) {
    int n = data.length;
    // a character is at most 4 bytes: look back at most 3 for its lead byte
    for (int back = 1; back <= Math.min(3, n); back++) {
      int b = data[n - back] & 0xff;
      if ((b & 0xc0) == 0x80) {
        continue; // a continuation byte: its lead byte is further back
      }
      int need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
      return need > back ? n - back : n;
    }
    return n;
  }
}
