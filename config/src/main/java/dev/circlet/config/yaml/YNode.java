package dev.circlet.config.yaml;

/** An immutable YAML value that remembers where it came from. */
public sealed interface YNode permits YScalar, YSeq, YMap {
  Pos pos();

  /** Short name of the node kind for error messages. */
  default String kind() {
    return switch (this) {
      case YMap m -> "a map";
      case YSeq s -> "a list";
      case YScalar s when s.value() == null -> "null";
      case YScalar s when s.value() instanceof Boolean -> "a boolean";
      case YScalar s when s.value() instanceof Long -> "an integer";
      case YScalar s when s.value() instanceof Double -> "a number";
      case YScalar s -> "a string";
    };
  }
}
