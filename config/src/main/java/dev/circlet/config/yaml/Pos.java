package dev.circlet.config.yaml;

/** A 1-based source position (file, line, column) carried by every value of a loaded config. */
public record Pos(String file, int line, int column) {
  public static Pos of(String file) {
    return new Pos(file, 1, 1);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
