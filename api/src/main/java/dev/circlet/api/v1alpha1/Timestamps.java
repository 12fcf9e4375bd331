package dev.circlet.api.v1alpha1;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps with second precision, as Kubernetes writes them. */
public final class Timestamps {
  private Timestamps() {}

  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  public static Instant parse(String value) {
    return value == null ? null : Instant.parse(value);
  }
}
