package dev.circlet.config;

import dev.circlet.config.yaml.Pos;

/** A compiler message with a 1-based source location. */
public record Diagnostic(Severity severity, String file, int line, int column, String message) {
  /** How bad a diagnostic is. */
  public enum Severity {
    ERROR,
    WARNING
  }

  public static Diagnostic error(Pos pos, String message) {
    return new Diagnostic(Severity.ERROR, pos.file(), pos.line(), pos.column(), message);
  }

  public static Diagnostic warning(Pos pos, String message) {
    return new Diagnostic(Severity.WARNING, pos.file(), pos.line(), pos.column(), message);
  }

  /** {@code FILE:LINE:COL: error: message}, the form editors and CI logs understand. */
  public String format() {
    return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase() + ": " + message;
  }

  @Override
  public String toString() {
    return format();
  }
}
