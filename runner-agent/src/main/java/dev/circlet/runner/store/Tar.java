package dev.circlet.runner.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tar format Circlet's archives use: POSIX ustar headers with pax records for long names,
 * long link targets and large sizes. The reader also takes GNU tar's long-name records, so
 * archives made by the system {@code tar} read too.
 */
public final class Tar {
  /** Entry kinds. */
  public enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }

  /** One header: path, kind, permission bits, size of the data that follows, mtime, link target. */
  public record Entry(String name, Type type, int mode, long size, long mtimeSeconds, String link) {}

  private static final int BLOCK = 512;
  private static final long MAX_OCTAL_SIZE = 077777777777L;

  private Tar() {}

  /** Writes tar records to a stream. */
  public static final class Writer {
    private final OutputStream out;

    public Writer(OutputStream out) {
      this.out = out;
    }

    /** Writes a header; for a file, exactly {@code e.size()} bytes of data must follow through {@link #data}. */
    public void header(Entry e) throws IOException {
      String name = e.type() == Type.DIRECTORY && !e.name().endsWith("/") ? e.name() + "/" : e.name();
      byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
      byte[] linkBytes = e.link() == null ? new byte[0] : e.link().getBytes(StandardCharsets.UTF_8);
      Map<String, String> pax = new LinkedHashMap<>();
      if (nameBytes.length > 99 || !ascii(name)) {
        pax.put("path", name);
      }
      if (linkBytes.length > 99 || (e.link() != null && !ascii(e.link()))) {
        pax.put("linkpath", e.link());
      }
      if (e.size() > MAX_OCTAL_SIZE) {
        pax.put("size", Long.toString(e.size()));
      }
      if (!pax.isEmpty()) {
        byte[] records = paxRecords(pax);
        out.write(block("PaxHeader/" + shortName(name), 'x', 0644, records.length, e.mtimeSeconds(), ""));
        out.write(records);
        pad(records.length);
      }
      char flag = switch (e.type()) {
        case DIRECTORY -> '5';
        case SYMLINK -> '2';
        case HARDLINK -> '1';
        default -> '0';
      };
      long size = e.type() == Type.FILE ? e.size() : 0;
      out.write(block(shortName(name), flag, e.mode(), size > MAX_OCTAL_SIZE ? 0 : size, e.mtimeSeconds(),
          e.link() == null ? "" : shortName(e.link())));
    }

    /** Copies exactly {@code size} bytes of a file's data (zeros when the source ends early) and pads the block. */
    public void data(InputStream in, long size) throws IOException {
      byte[] buf = new byte[65536];
      long left = size;
      while (left > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          // the file shrank while it was read: keep the archive well-formed
          java.util.Arrays.fill(buf, (byte) 0);
          while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            out.write(buf, 0, n);
            left -= n;
          }
          break;
        }
        out.write(buf, 0, r);
        left -= r;
      }
      pad(size);
    }

    /** The two zero blocks that end an archive. */
    public void finish() throws IOException {
      out.write(new byte[BLOCK * 2]);
      out.flush();
    }

    private void pad(long size) throws IOException {
      int rem = (int) (size % BLOCK);
      if (rem != 0) {
        out.write(new byte[BLOCK - rem]);
      }
    }
  }

  private static boolean ascii(String s) {
    return s.chars().allMatch(c -> c > 0 && c < 128);
  }

  private static String shortName(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length <= 99 && ascii(s)) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (sb.length() >= 90) {
        break;
      }
      sb.append(c > 0 && c < 128 ? c : '_');
    }
    return sb.toString();
  }

  private static byte[] paxRecords(Map<String, String> pax) {
    StringBuilder sb = new StringBuilder();
    for (var kv : pax.entrySet()) {
      String body = " " + kv.getKey() + "=" + kv.getValue() + "\n";
      int bodyLen = body.getBytes(StandardCharsets.UTF_8).length;
      int len = bodyLen + Integer.toString(bodyLen).length();
      if (Integer.toString(len).length() != Integer.toString(bodyLen).length()) {
        len = bodyLen + Integer.toString(len).length();
      }
      sb.append(len).append(body);
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] block(String name, char flag, int mode, long size, long mtime, String link) {
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
    octal(h, 100, 8, mode & 07777);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, Math.max(0, mtime));
    h[156] = (byte) flag;
    put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    h[155] = ' ';
    return h;
  }

  private static void put(byte[] h, int off, int len, byte[] v) {
    System.arraycopy(v, 0, h, off, Math.min(len, v.length));
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
    put(h, off, len - 1, padded.getBytes(StandardCharsets.US_ASCII));
    h[off + len - 1] = 0;
  }

  /** Reads tar records from a stream. */
  public static final class Reader {
    private final InputStream in;
    private long dataLeft;
    private long padLeft;

    public Reader(InputStream in) {
      this.in = in;
    }

    /** The next entry, or null at the end; its data (files only) is read through {@link #data()}. */
    public Entry next() throws IOException {
      skip(dataLeft + padLeft);
      dataLeft = 0;
      padLeft = 0;
      Map<String, String> pax = new LinkedHashMap<>();
      String longName = null;
      String longLink = null;
      while (true) {
        byte[] h = in.readNBytes(BLOCK);
        if (h.length == 0) {
          return null;
        }
        if (h.length < BLOCK) {
          throw new EOFException("the archive ends in the middle of a header");
        }
        if (allZero(h)) {
          return null;
        }
        checkSum(h);
        char flag = (char) h[156];
        long size = number(h, 124, 12);
        if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
          byte[] body = readBody(size);
          if (flag == 'x') {
            pax.putAll(parsePax(body));
          } else if (flag == 'L') {
            longName = cString(body, 0, body.length);
          } else if (flag == 'K') {
            longLink = cString(body, 0, body.length);
          }
          continue;
        }
        String name = cString(h, 0, 100);
        if (h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r' && h[345] != 0) {
          name = cString(h, 345, 155) + "/" + name;
        }
        name = pax.getOrDefault("path", longName != null ? longName : name);
        String link = pax.getOrDefault("linkpath", longLink != null ? longLink : cString(h, 157, 100));
        if (pax.containsKey("size")) {
          size = Long.parseLong(pax.get("size"));
        }
        Type type = switch (flag) {
          case '0', '\0', '7' -> name.endsWith("/") ? Type.DIRECTORY : Type.FILE;
          case '5' -> Type.DIRECTORY;
          case '2' -> Type.SYMLINK;
          case '1' -> Type.HARDLINK;
          default -> Type.OTHER;
        };
        long dataSize = type == Type.DIRECTORY || type == Type.SYMLINK || type == Type.HARDLINK ? 0 : size;
        dataLeft = dataSize;
        padLeft = (BLOCK - dataSize % BLOCK) % BLOCK;
        return new Entry(name, type, (int) number(h, 100, 8), dataSize, number(h, 136, 12),
            type == Type.SYMLINK || type == Type.HARDLINK ? link : null);
      }
    }

    /** The current file's data; reading stops at its end. */
    public InputStream data() {
      return new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (dataLeft <= 0) {
            return -1;
          }
          int r = in.read(b, off, (int) Math.min(len, dataLeft));
          if (r < 0) {
            throw new EOFException("the archive ends in the middle of a file");
          }
          dataLeft -= r;
          return r;
        }
      };
    }

    private byte[] readBody(long size) throws IOException {
      if (size > 1 << 20) {
        throw new IOException("tar extension header of " + size + " bytes is too large");
      }
      byte[] body = in.readNBytes((int) size);
      if (body.length < size) {
        throw new EOFException("the archive ends in the middle of a header");
      }
      skip((BLOCK - size % BLOCK) % BLOCK);
      return body;
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        long s = in.skip(n);
        if (s <= 0) {
          if (in.read() < 0) {
            throw new EOFException("the archive ends early");
          }
          s = 1;
        }
        n -= s;
      }
    }
  }

  private static Map<String, String> parsePax(byte[] body) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    int i = 0;
    while (i < body.length) {
      int sp = i;
      while (sp < body.length && body[sp] != ' ') {
        sp++;
      }
      int len;
      try {
        len = Integer.parseInt(new String(body, i, sp - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new IOException("malformed pax header");
      }
      if (len <= 0 || i + len > body.length) {
        throw new IOException("malformed pax header");
      }
      String rec = new String(body, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq > 0) {
        m.put(rec.substring(0, eq), rec.substring(eq + 1));
      }
      i += len;
    }
    return m;
  }

  private static boolean allZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static void checkSum(byte[] h) throws IOException {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
    }
    if (sum != number(h, 148, 8)) {
      throw new IOException("not a tar archive (header checksum mismatch)");
    }
  }

  private static long number(byte[] h, int off, int len) {
    if ((h[off] & 0x80) != 0) {
      long v = h[off] & 0x7f;
      for (int i = 1; i < len; i++) {
        v = (v << 8) | (h[off + i] & 0xff);
      }
      return v;
    }
    long v = 0;
    for (int i = off; i < off + len; i++) {
      byte b = h[i];
      if (b == 0 || b == ' ') {
        if (v != 0) {
          break;
        }
        continue;
      }
      if (b < '0' || b > '7') {
        break;
      }
      v = v * 8 + (b - '0');
    }
    return v;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }
}
