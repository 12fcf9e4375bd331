package dev.circlet.config.logic;

import dev.circlet.config.compile.Diags;
import dev.circlet.config.yaml.Pos;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Matches a config's regular expressions (branch and tag filters, {@code matches} conditions)
 * against a name with a bounded amount of work.
 *
 * <p>CircleCI filters are Java regular expressions, and real configs use what only a backtracking
 * engine offers (lookahead such as {@code /^(?!main$).*}/), so a linear-time engine would reject
 * configs that run on CircleCI. Instead {@link java.util.regex} reads the name through a
 * {@link CharSequence} that counts every character read and gives up after {@link #MAX_READS}:
 * backtracking cannot happen without reading, so a catastrophic pattern such as
 * {@code /((a+)+)+$/} stops after ten million reads (a fraction of a second) with an error. Real
 * patterns read each character of a name once or a few times (a few hundred reads); even
 * {@code /.*-.*-.*-rc[0-9]+/} against 250 characters of dashes needs about two million. A stack
 * overflow inside the matcher counts as too expensive too.
 */
public final class BoundedRegex {
  /** Characters one match may read: thousands of times what real filters need on real names. */
  public static final long MAX_READS = 10_000_000;

  private BoundedRegex() {}

  /**
   * Whether {@code regex} matches the whole of {@code input}. An invalid or too expensive pattern
   * is reported at {@code pos} and does not match.
   */
  public static boolean matches(String regex, String input, Pos pos, Diags d) {
    Pattern p;
    try {
      p = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      d.error(pos, "invalid regular expression /" + regex + "/: " + e.getDescription());
      return false;
    }
    try {
      return p.matcher(new CountedText(input)).matches();
    } catch (TooExpensive | StackOverflowError e) {
      d.error(pos, "regular expression /" + shorten(regex) + "/ is too expensive to match against '" + shorten(input)
          + "' (it backtracks catastrophically); simplify it, for example without nested repetition like (a+)+");
      return false;
    }
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** Thrown by {@link CountedText} when the read budget is spent; carries no stack trace. */
  private static final class TooExpensive extends RuntimeException {
    TooExpensive() {
      super("regular expression too expensive", null, false, false);
    }
  }

  /** The text to match, counting reads: the matcher reads every character it tries. */
  private static final class CountedText implements CharSequence {
    private final String text;
    private long reads;

    CountedText(String text) {
      this.text = text;
    }

    @Override
    public char charAt(int index) {
      if (++reads > MAX_READS) {
        throw new TooExpensive();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.substring(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
