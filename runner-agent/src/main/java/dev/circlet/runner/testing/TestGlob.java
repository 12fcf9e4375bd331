package dev.circlet.runner.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@code circleci tests glob}: files matching doublestar patterns ({@code **}, {@code *}, {@code ?}, {@code {a,b}}, {@code [..]}). */
public final class TestGlob {
  private TestGlob() {}

  /** Matching files relative to {@code cwd} (absolute patterns give absolute paths), sorted, no duplicates. */
  public static List<String> glob(Path cwd, List<String> patterns) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    for (String pat : patterns) {
      boolean abs = pat.startsWith("/");
      Pattern re = toRegex(abs ? pat.substring(1) : pat);
      Path base = abs ? Path.of("/") : cwd;
      String literal = literalDir(abs ? pat.substring(1) : pat);
      Path start = base.resolve(literal);
      if (!Files.isDirectory(start)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(start)) {
        s.filter(Files::isRegularFile).forEach(p -> {
          String rel = base.relativize(p).toString();
          if (re.matcher(rel).matches()) {
            out.add(abs ? "/" + rel : rel);
          }
        });
      }
    }
    return List.copyOf(out);
  }

  /** The directory part of a pattern before its first wildcard ({@code ""} for none). */
  public static String literalDir(String pat) {
    int meta = pat.length();
    for (char c : new char[] {'*', '?', '[', '{'}) {
      int i = pat.indexOf(c);
      if (i >= 0) {
        meta = Math.min(meta, i);
      }
    }
    int slash = pat.lastIndexOf('/', meta);
    return slash < 0 ? "" : pat.substring(0, slash);
  }

  /** The regular expression of a doublestar glob. */
  static Pattern toRegex(String glob) {
    StringBuilder sb = new StringBuilder();
    boolean inGroup = false;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
            sb.append(slash ? "(?:.*/)?" : ".*");
            i += slash ? 2 : 1;
          } else {
            sb.append("[^/]*");
          }
        }
        case '?' -> sb.append("[^/]");
        case '{' -> {
          sb.append("(?:");
          inGroup = true;
        }
        case '}' -> {
          sb.append(')');
          inGroup = false;
        }
        case ',' -> sb.append(inGroup ? "|" : ",");
        case '[' -> {
          int close = glob.indexOf(']', i + 1);
          if (close < 0) {
            sb.append("\\[");
          } else {
            String cls = glob.substring(i + 1, close).replace("\\", "\\\\");
            sb.append('[').append(cls.startsWith("!") ? "^" + cls.substring(1) : cls).append(']');
            i = close;
          }
        }
        default -> sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(sb.toString());
  }
}
