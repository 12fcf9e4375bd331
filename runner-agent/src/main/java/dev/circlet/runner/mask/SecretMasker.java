package dev.circlet.runner.mask;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces secret values, and their base64 forms, in byte ranges of output. The base64 forms are
 * those of the value and of the value with a trailing newline ({@code echo "$S" | base64}), in
 * the standard and URL-safe alphabets, padded and not, each line of them when a tool wraps the
 * encoding at 76 or 64 columns, and the three alignments of the value
 * inside a longer base64 stream: only the characters the value alone decides, so a value encoded
 * amid other bytes is masked too.
 */
public final class SecretMasker {
  /** Values shorter than this are not masked (they would mask ordinary words). */
  public static final int MIN_LENGTH = 4;

  static final byte[] MASK = "********".getBytes(StandardCharsets.US_ASCII);

  private final byte[][] patterns;
  private final boolean[] firstByte = new boolean[256];
  private final int maxLength;

  public SecretMasker(Collection<String> secrets) {
    Set<String> forms = new LinkedHashSet<>();
    for (String s : secrets) {
      if (s == null || s.length() < MIN_LENGTH) {
        continue;
      }
      forms.add(s);
      forms.addAll(base64Forms(s.getBytes(StandardCharsets.UTF_8)));
      // a multi-line secret is printed line by line: mask each line of it too
      for (String line : s.split("\\R")) {
        if (line.strip().length() >= MIN_LENGTH) {
          forms.add(line.strip());
        }
      }
    }
    List<byte[]> list = new ArrayList<>();
    for (String f : forms) {
      list.add(f.getBytes(StandardCharsets.UTF_8));
    }
    // longest first, so a value is masked whole before its unpadded or partial form
    list.sort(Comparator.comparingInt((byte[] b) -> b.length).reversed());
    patterns = list.toArray(new byte[0][]);
    int max = 0;
    for (byte[] p : patterns) {
      firstByte[p[0] & 0xff] = true;
      max = Math.max(max, p.length);
    }
    maxLength = max;
  }

  /** Shortest base64 fragment masked for a value inside a longer stream: shorter ones match ordinary text. */
  static final int MIN_FRAGMENT = 6;

  /** Line widths at which common tools wrap base64 output. */
  private static final int[] WRAP_WIDTHS = {76, 64};

  /** The base64 forms of a value (see the class comment). */
  static Set<String> base64Forms(byte[] v) {
    Set<String> out = new LinkedHashSet<>();
    byte[] nl = java.util.Arrays.copyOf(v, v.length + 1);
    nl[v.length] = '\n';
    for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
      for (byte[] b : List.of(v, nl)) {
        String e = enc.encodeToString(b);
        out.add(e);
        out.add(e.replace("=", ""));
        // base64(1) wraps at 76 columns, openssl at 64: a long value's encoding spans lines
        for (int width : WRAP_WIDTHS) {
          for (int i = 0; e.length() > width && i < e.length(); i += width) {
            String line = e.substring(i, Math.min(e.length(), i + width)).replace("=", "");
            if (line.length() >= MIN_FRAGMENT) {
              out.add(line);
            }
          }
        }
      }
      for (int k = 0; k < 3; k++) {
        // the value after k unknown bytes: the characters that depend on its bytes only
        String e = enc.withoutPadding().encodeToString(concat(new byte[k], v));
        int from = (k * 4 + 2) / 3;
        int to = (k + v.length) * 4 / 3;
        if (to - from >= MIN_FRAGMENT) {
          out.add(e.substring(from, to));
        }
      }
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  public boolean isEmpty() {
    return patterns.length == 0;
  }

  /** Length of the longest masked form; a streaming caller keeps this much minus one as a tail. */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Masks {@code in[off, off+len)} into {@code out}, returning how many input bytes were consumed.
   * Bytes from {@code holdFrom} on are left unconsumed unless a match that starts earlier covers
   * them, so a caller can keep them for the next chunk.
   */
  public int mask(byte[] in, int off, int len, int holdFrom, Output out) {
    int end = off + len;
    int copyFrom = off;
    int i = off;
    int stop = Math.min(end, holdFrom);
    while (i < stop) {
      if (firstByte[in[i] & 0xff]) {
        byte[] hit = match(in, i, end);
        if (hit != null) {
          out.write(in, copyFrom, i - copyFrom);
          out.write(MASK, 0, MASK.length);
          i += hit.length;
          copyFrom = i;
          stop = Math.max(stop, Math.min(end, i));
          continue;
        }
      }
      i++;
    }
    int consumed = Math.max(i, copyFrom);
    out.write(in, copyFrom, consumed - copyFrom);
    return consumed - off;
  }

  private byte[] match(byte[] in, int at, int end) {
    for (byte[] p : patterns) {
      if (at + p.length <= end && regionEquals(in, at, p)) {
        return p;
      }
    }
    return null;
  }

  private static boolean regionEquals(byte[] in, int at, byte[] p) {
    for (int k = 0; k < p.length; k++) {
      if (in[at + k] != p[k]) {
        return false;
      }
    }
    return true;
  }

  /** Masks a whole string (summaries, notices). */
  public String mask(String s) {
    if (isEmpty() || s == null) {
      return s;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    ByteSink sink = new ByteSink();
    mask(b, 0, b.length, b.length, sink);
    return new String(sink.buf, 0, sink.len, StandardCharsets.UTF_8);
  }

  /** Where masked bytes go. */
  public interface Output {
    void write(byte[] b, int off, int len);
  }

  /** A growable byte buffer output. */
  public static final class ByteSink implements Output {
    byte[] buf = new byte[256];
    int len;

    @Override
    public void write(byte[] b, int off, int n) {
      if (len + n > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    public byte[] bytes() {
      return java.util.Arrays.copyOf(buf, len);
    }

    public void clear() {
      len = 0;
    }
  }
}
