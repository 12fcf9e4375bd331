package dev.circlet.gateway.logs;

/** One step of one Build: where its output lives in the hot buffer and in object storage. */
public record StepKey(String namespace, String build, int step) {
  public StepKey {
    if (namespace == null || !namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      throw new IllegalArgumentException("not a namespace name: " + namespace);
    }
    if (build == null || !build.matches("[a-z0-9]([-.a-z0-9]*[a-z0-9])?")) {
      throw new IllegalArgumentException("not a Build name: " + build);
    }
    if (step < 0) {
      throw new IllegalArgumentException("negative step index " + step);
    }
  }

  /** {@code namespace/build/step}, the form kept in the hot buffer's set of active steps. */
  public String id() {
    return namespace + "/" + build + "/" + step;
  }

  public static StepKey parse(String id) {
    String[] p = id.split("/");
    if (p.length != 3) {
      throw new IllegalArgumentException("not a step id: " + id);
    }
    return new StepKey(p[0], p[1], Integer.parseInt(p[2]));
  }

  /** Prefix of this step's segments in object storage. */
  public String segmentPrefix() {
    return "logs/" + namespace + "/" + build + "/" + step + "/seg-";
  }

  /** The one object a finished step's output is compacted into. */
  public String compactedKey() {
    return "logs/" + namespace + "/" + build + "/" + step + ".log";
  }

  /** The key of the segment starting at output byte {@code base}; zero-padded so keys sort by offset. */
  public String segmentKey(long base) {
    return segmentPrefix() + String.format("%020d", base);
  }
}
