package dev.circlet.runner.local;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shortens error messages for the console: a long unbroken token (an encoded path, a key, a URL)
 * keeps its start and end around the number of characters left out, and the whole line is capped.
 * The job's log file keeps the full text.
 */
public final class ErrorText {
  /** Tokens longer than this are shortened. */
  static final int MAX_TOKEN = 80;
  /** Lines longer than this after shortening tokens are cut. */
  static final int MAX_LINE = 400;
  private static final int HEAD = 40;
  private static final int TAIL = 24;
  private static final Pattern TOKEN = Pattern.compile("\\S{" + (MAX_TOKEN + 1) + ",}");

  private ErrorText() {}

  public static String shorten(String message) {
    if (message == null) {
      return "";
    }
    Matcher m = TOKEN.matcher(message);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String t = m.group();
      String cut = t.substring(0, HEAD) + "…(" + (t.length() - HEAD - TAIL) + " more characters)…"
          + t.substring(t.length() - TAIL);
      m.appendReplacement(sb, Matcher.quoteReplacement(cut));
    }
    m.appendTail(sb);
    String s = sb.toString();
    if (s.length() > MAX_LINE) {
      s = s.substring(0, MAX_LINE) + "… (" + (s.length() - MAX_LINE) + " more characters; the full text is in the job's log)";
    }
    return s;
  }
}
