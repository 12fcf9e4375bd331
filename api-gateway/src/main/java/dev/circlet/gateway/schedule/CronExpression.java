package dev.circlet.gateway.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week) evaluated in UTC, as
 * CircleCI schedules are: lists, ranges, steps, month and weekday names, 0 or 7 for Sunday, and
 * {@code @hourly}/{@code @daily}/{@code @weekly}/{@code @monthly}/{@code @yearly}. When both
 * day-of-month and day-of-week are restricted, a day matching either fires (as in Vixie cron).
 * Pure: no clock of its own.
 */
public final class CronExpression {
  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
      "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  /** Every day-of-month and weekday combination repeats within 28 years (leap days included). */
  private static final int SEARCH_DAYS = 366 * 28 + 7;

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private CronExpression(String text, String[] f) {
    this.text = text;
    this.minutes = field("minute", f[0], 0, 59, List.of());
    this.hours = field("hour", f[1], 0, 23, List.of());
    this.daysOfMonth = field("day of month", f[2], 1, 31, List.of());
    this.months = field("month", f[3], 1, 12, MONTHS);
    BitSet dow = field("day of week", f[4], 0, 7, DAYS);
    if (dow.get(7)) {
      dow.set(0);
      dow.clear(7);
    }
    this.daysOfWeek = dow;
    this.domRestricted = !f[2].startsWith("*");
    this.dowRestricted = !f[4].startsWith("*");
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the field and value at fault, or when the expression can
   *     never fire (such as the 30th of February)
   */
  public static CronExpression parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the cron expression is empty");
    }
    String t = text.trim();
    String expanded = MACROS.getOrDefault(t.toLowerCase(Locale.ROOT), t);
    String[] f = expanded.split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException("cron \"" + t + "\" has " + f.length
          + " fields; expected 5 (minute hour day-of-month month day-of-week)");
    }
    CronExpression c = new CronExpression(t, f);
    if (c.latestAtOrBefore(Instant.parse("2100-01-01T00:00:00Z")) == null) {
      throw new IllegalArgumentException("cron \"" + t + "\" never fires");
    }
    return c;
  }

  /** The expression as written. */
  public String text() {
    return text;
  }

  /** Whether the expression fires at the minute that {@code t} falls in. */
  public boolean matches(Instant t) {
    LocalDateTime d = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    return dayMatches(d.toLocalDate()) && hours.get(d.getHour()) && minutes.get(d.getMinute());
  }

  /**
   * The latest minute at or before {@code t} at which the expression fires, or null when none lies
   * within the last 28 years. This is the tick a scheduler owes at {@code t}: ticks before it that
   * were missed (the scheduler was down) are not owed any more.
   */
  public Instant latestAtOrBefore(Instant t) {
    LocalDateTime at = LocalDateTime.ofInstant(t.truncatedTo(ChronoUnit.MINUTES), ZoneOffset.UTC);
    LocalDate day = at.toLocalDate();
    for (int i = 0; i < SEARCH_DAYS; i++, day = day.minusDays(1)) {
      if (!dayMatches(day)) {
        continue;
      }
      for (int h = hours.previousSetBit(i == 0 ? at.getHour() : 23); h >= 0; h = hours.previousSetBit(h - 1)) {
        int m = minutes.previousSetBit(i == 0 && h == at.getHour() ? at.getMinute() : 59);
        if (m >= 0) {
          return day.atTime(h, m).toInstant(ZoneOffset.UTC);
        }
      }
    }
    return null;
  }

  /** The first minute strictly after {@code t} at which the expression fires, or null within 28 years. */
  public Instant nextAfter(Instant t) {
    LocalDateTime at = LocalDateTime.ofInstant(t.truncatedTo(ChronoUnit.MINUTES), ZoneOffset.UTC).plusMinutes(1);
    LocalDate day = at.toLocalDate();
    for (int i = 0; i < SEARCH_DAYS; i++, day = day.plusDays(1)) {
      if (!dayMatches(day)) {
        continue;
      }
      for (int h = hours.nextSetBit(i == 0 ? at.getHour() : 0); h >= 0 && h < 24; h = hours.nextSetBit(h + 1)) {
        int m = minutes.nextSetBit(i == 0 && h == at.getHour() ? at.getMinute() : 0);
        if (m >= 0 && m < 60) {
          return day.atTime(h, m).toInstant(ZoneOffset.UTC);
        }
      }
    }
    return null;
  }

  private boolean dayMatches(LocalDate d) {
    if (!months.get(d.getMonthValue())) {
      return false;
    }
    boolean dom = daysOfMonth.get(d.getDayOfMonth());
    boolean dow = daysOfWeek.get(d.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : d.getDayOfWeek().getValue());
    if (domRestricted && dowRestricted) {
      return dom || dow;
    }
    return dom && dow;
  }

  private static BitSet field(String name, String spec, int min, int max, List<String> names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : spec.split(",", -1)) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(name, part.substring(slash + 1), 1, max - min + 1, List.of());
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = min;
        hi = max;
      } else if (range.indexOf('-') > 0) {
        int dash = range.indexOf('-');
        lo = number(name, range.substring(0, dash), min, max, names);
        hi = number(name, range.substring(dash + 1), min, max, names);
        if (hi < lo) {
          throw new IllegalArgumentException("cron " + name + " range " + range + " runs backwards");
        }
      } else {
        lo = number(name, range, min, max, names);
        hi = slash >= 0 ? max : lo;
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String name, String s, int min, int max, List<String> names) {
    int named = names.indexOf(s.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return named + (names.size() == 12 ? 1 : 0);
    }
    if (!s.matches("[0-9]{1,2}")) {
      throw new IllegalArgumentException("cron " + name + " \"" + s + "\" is not a number"
          + (names.isEmpty() ? "" : " or a name (" + String.join(", ", names) + ")"));
    }
    int v = Integer.parseInt(s);
    if (v < min || v > max) {
      throw new IllegalArgumentException("cron " + name + " " + v + " is outside " + min + "-" + max);
    }
    return v;
  }

  @Override
  public String toString() {
    return text;
  }
}
