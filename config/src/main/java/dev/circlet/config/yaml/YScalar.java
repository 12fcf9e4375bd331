package dev.circlet.config.yaml;

/**
 * A scalar: {@code value} is null, Boolean, Long, Double or String; {@code text} is the source
 * text, so a version like {@code 3.10} keeps its trailing zero when used as a string.
 */
public record YScalar(Object value, String text, Pos pos) implements YNode {
  public static YScalar of(Object value, Pos pos) {
    String text = value == null ? "" : value.toString();
    return new YScalar(value, text, pos);
  }

  public boolean isString() {
    return value instanceof String;
  }

  public boolean isNull() {
    return value == null;
  }
}
