package dev.circlet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void table() {
    record Row(String finishedAt, Duration ttl, Optional<Duration> expected) {}
    for (Row row : List.of(
        new Row("2026-12-01T11:00:00Z", Duration.ofHours(24), Optional.of(Duration.ofHours(23))),
        new Row("2026-11-30T11:00:00Z", Duration.ofHours(24), Optional.of(Duration.ZERO)),
        new Row("2026-12-01T11:59:59Z", Duration.ofSeconds(1), Optional.of(Duration.ZERO)),
        new Row(null, Duration.ofHours(24), Optional.empty()),
        new Row("2026-12-01T11:00:00Z", Duration.ZERO, Optional.empty()),
        new Row("2026-12-01T11:00:00Z", null, Optional.empty()))) {
      assertThat(Retention.remaining(row.finishedAt(), row.ttl(), NOW)).as(Arrays.asList(row.finishedAt(), row.ttl()).toString())
          .isEqualTo(row.expected());
    }
  }
}
