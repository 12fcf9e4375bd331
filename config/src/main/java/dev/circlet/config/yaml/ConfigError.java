package dev.circlet.config.yaml;

/** A fatal problem in a config: where it is and a one-line reason. */
public final class ConfigError extends RuntimeException {
  private final Pos pos;

  public ConfigError(Pos pos, String message) {
    super(message, null, false, false);
    this.pos = pos;
  }

  public Pos pos() {
    return pos;
  }
}
