package dev.circlet.gateway.logs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The byte patterns masked in a build's output: each secret value, each line of a multi-line
 * value, and its base64 forms, including the stable middle of its encoding when the value sits at
 * any of the three byte alignments inside a longer base64 text.
 */
public final class MaskPatterns {
  /** Values shorter than this are not masked: they would mask ordinary words. */
  public static final int MIN_LENGTH = 4;

  /** A base64 fragment shorter than this is too likely to be ordinary text to mask. */
  static final int MIN_ENCODED_LENGTH = 8;

  private final byte[][] patterns;
  private final boolean[] firstByte = new boolean[256];
  private final int maxLength;

  private MaskPatterns(byte[][] patterns) {
    this.patterns = patterns;
    int max = 0;
    for (byte[] p : patterns) {
      firstByte[p[0] & 0xff] = true;
      max = Math.max(max, p.length);
    }
    this.maxLength = max;
  }

  /** Patterns for these secret values (null and short values are skipped). */
  public static MaskPatterns of(Collection<String> secrets) {
    Set<String> forms = new LinkedHashSet<>();
    for (String s : secrets) {
      if (s == null || s.length() < MIN_LENGTH) {
        continue;
      }
      forms.add(s);
      for (String line : s.split("\\R")) {
        if (line.strip().length() >= MIN_LENGTH) {
          forms.add(line.strip());
        }
      }
      byte[] raw = s.getBytes(StandardCharsets.UTF_8);
      String b64 = Base64.getEncoder().encodeToString(raw);
      forms.add(b64);
      for (int shift = 0; shift < 3; shift++) {
        String core = alignedCore(raw, shift);
        if (core.length() >= MIN_ENCODED_LENGTH) {
          forms.add(core);
        }
      }
    }
    List<byte[]> list = new ArrayList<>();
    for (String f : forms) {
      list.add(f.getBytes(StandardCharsets.UTF_8));
    }
    // longest first, so a value is masked whole before a shorter form of it
    list.sort(Comparator.comparingInt((byte[] b) -> b.length).reversed());
    return new MaskPatterns(list.toArray(new byte[0][]));
  }

  /**
   * The base64 characters that depend only on the value when it follows {@code shift} other
   * bytes of a longer encoded text: those neither sharing bits with the bytes before it nor with
   * the bytes after it.
   */
  static String alignedCore(byte[] value, int shift) {
    byte[] padded = new byte[shift + value.length];
    System.arraycopy(value, 0, padded, shift, value.length);
    String enc = Base64.getEncoder().withoutPadding().encodeToString(padded);
    int from = (8 * shift + 5) / 6;
    int to = 8 * (shift + value.length) / 6;
    return to > from ? enc.substring(from, to) : "";
  }

  public boolean isEmpty() {
    return patterns.length == 0;
  }

  /** Length of the longest pattern; a streaming masker never holds back more than this minus one. */
  public int maxLength() {
    return maxLength;
  }

  boolean mayStartAt(byte b) {
    return firstByte[b & 0xff];
  }

  /** Length of the longest pattern found whole at {@code buf[i..end)}, or 0. */
  int matchAt(byte[] buf, int i, int end) {
    for (byte[] p : patterns) {
      if (p.length <= end - i && regionEquals(buf, i, p, p.length)) {
        return p.length;
      }
    }
    return 0;
  }

  /** Whether {@code buf[i..end)} is a proper prefix of some pattern (more input could complete it). */
  boolean prefixAt(byte[] buf, int i, int end) {
    int rem = end - i;
    for (byte[] p : patterns) {
      if (p.length > rem && regionEquals(buf, i, p, rem)) {
        return true;
      }
    }
    return false;
  }

  private static boolean regionEquals(byte[] buf, int i, byte[] p, int len) {
    for (int k = 0; k < len; k++) {
      if (buf[i + k] != p[k]) {
        return false;
      }
    }
    return true;
  }
}
