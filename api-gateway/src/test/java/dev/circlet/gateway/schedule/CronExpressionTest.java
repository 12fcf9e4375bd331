package dev.circlet.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronExpressionTest {
  @ParameterizedTest(name = "{0} at or before {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      * * * * *            | 2026-12-02T04:15:37Z | 2026-12-02T04:15:00Z
      0 * * * *            | 2026-12-02T04:15:00Z | 2026-12-02T04:00:00Z
      0 * * * *            | 2026-12-02T04:00:00Z | 2026-12-02T04:00:00Z
      @hourly              | 2026-12-02T03:59:59Z | 2026-12-02T03:00:00Z
      30 2 * * *           | 2026-12-02T02:29:00Z | 2026-12-01T02:30:00Z
      */15 * * * *         | 2026-12-02T04:44:00Z | 2026-12-02T04:30:00Z
      5/20 * * * *         | 2026-12-02T04:04:00Z | 2026-12-02T03:45:00Z
      0 9-17/4 * * *       | 2026-12-02T16:00:00Z | 2026-12-02T13:00:00Z
      0,30 8 * * *         | 2026-12-02T08:29:00Z | 2026-12-02T08:00:00Z
      0 5 * * 1            | 2026-12-02T04:15:00Z | 2026-11-30T05:00:00Z
      0 5 * * MON          | 2026-12-02T04:15:00Z | 2026-11-30T05:00:00Z
      0 0 * * 7            | 2026-12-02T04:15:00Z | 2026-11-29T00:00:00Z
      0 0 * * sun          | 2026-12-02T04:15:00Z | 2026-11-29T00:00:00Z
      0 0 1 * *            | 2026-12-02T04:15:00Z | 2026-12-01T00:00:00Z
      0 0 1 jan *          | 2026-12-02T04:15:00Z | 2026-01-01T00:00:00Z
      0 0 31 * *           | 2026-12-02T04:15:00Z | 2026-10-31T00:00:00Z
      0 0 29 2 *           | 2026-12-02T04:15:00Z | 2024-02-29T00:00:00Z
      0 0 15 * 1           | 2026-12-02T04:15:00Z | 2026-11-30T00:00:00Z
      0 0 15 * 1           | 2026-11-29T04:15:00Z | 2026-11-23T00:00:00Z
      59 23 31 12 *        | 2027-01-01T00:00:00Z | 2026-12-31T23:59:00Z
      """)
  void latestTickAtOrBefore(String cron, String at, String expected) {
    assertThat(CronExpression.parse(cron).latestAtOrBefore(Instant.parse(at))).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest(name = "{0} after {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      0 * * * *            | 2026-12-02T04:00:00Z | 2026-12-02T05:00:00Z
      30 2 * * *           | 2026-12-02T02:29:59Z | 2026-12-02T02:30:00Z
      0 5 * * 1-5          | 2026-12-04T06:00:00Z | 2026-12-07T05:00:00Z
      0 0 29 2 *           | 2026-12-02T04:15:00Z | 2028-02-29T00:00:00Z
      59 23 31 12 *        | 2026-12-31T23:59:00Z | 2027-12-31T23:59:00Z
      """)
  void nextTickAfter(String cron, String at, String expected) {
    assertThat(CronExpression.parse(cron).nextAfter(Instant.parse(at))).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ''                   | empty
      * * * *              | has 4 fields
      * * * * * *          | has 6 fields
      60 * * * *           | minute 60 is outside 0-59
      * 24 * * *           | hour 24 is outside 0-23
      * * 0 * *            | day of month 0 is outside 1-31
      * * * 13 *           | month 13 is outside 1-12
      * * * * 8            | day of week 8 is outside 0-7
      5-1 * * * *          | range 5-1 runs backwards
      */0 * * * *          | minute 0 is outside 1-60
      x * * * *            | minute "x" is not a number
      * * * FOO *          | month "FOO" is not a number or a name
      0 0 30 2 *           | never fires
      @often               | has 1 fields
      """)
  void badExpressionsNameTheFieldAtFault(String cron, String message) {
    assertThatThrownBy(() -> CronExpression.parse(cron)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
