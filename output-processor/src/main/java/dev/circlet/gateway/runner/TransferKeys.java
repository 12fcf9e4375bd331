package dev.circlet.gateway.runner;

import dev.circlet.proto.runner.v1.TransferRequest;

/**
 * The object key a runner may reach for a cache, workspace or artifact: always inside its
 * Build's storage scope, never a path that climbs out of it.
 */
public final class TransferKeys {
  private TransferKeys() {}

  /**
   * The first segments a {@code SCOPED} key may have: the agent's layout under its scope (caches
   * and their index, workspace layers, artifacts, test results, timings).
   */
  public static final java.util.Set<String> SCOPED_KINDS =
      java.util.Set.of("caches", "workspaces", "artifacts", "test-results", "timings");

  public static String objectKey(RunnerIdentity id, TransferRequest.Kind kind, String key) {
    checkRelative(key, false);
    String scope = scope(id);
    return switch (kind) {
      case SCOPED -> scope + "/" + scopedKind(key);
      // caches are shared by the scope's builds; workspaces and artifacts belong to the Build
      case CACHE -> scope + "/caches/" + key;
      case WORKSPACE -> scope + "/workspaces/" + key;
      case ARTIFACT -> scope + "/artifacts/" + id.namespace() + "/" + id.build() + "/" + key;
      default -> throw new IllegalArgumentException("transfer kind must be CACHE, WORKSPACE, ARTIFACT or SCOPED");
    };
  }

  /**
   * The object-store prefix of a listing under the Build's scope: {@code prefix} is relative to
   * the scope, starts with one of {@link #SCOPED_KINDS} and may end with {@code /}.
   */
  public static String listPrefix(RunnerIdentity id, String prefix) {
    checkRelative(prefix, true);
    return scope(id) + "/" + scopedKind(prefix);
  }

  /** The Build's storage scope without a trailing slash. */
  public static String scope(RunnerIdentity id) {
    return id.storageScope() == null || id.storageScope().isBlank()
        ? "ns/" + id.namespace() : id.storageScope();
  }

  private static String scopedKind(String key) {
    int slash = key.indexOf('/');
    String first = slash < 0 ? key : key.substring(0, slash);
    if (slash < 0 || !SCOPED_KINDS.contains(first)) {
      throw new IllegalArgumentException("a scoped key starts with one of " + new java.util.TreeSet<>(SCOPED_KINDS)
          + " and a '/': " + key);
    }
    return key;
  }

  private static void checkRelative(String key, boolean prefix) {
    if (key == null || key.isEmpty() || key.length() > 1024) {
      throw new IllegalArgumentException("a transfer key is 1 to 1024 characters");
    }
    if (key.startsWith("/") || key.contains("\\") || key.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("a transfer key is a relative path without control characters");
    }
    String[] parts = key.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      // a listing prefix may end with "/" (its last part empty)
      boolean trailing = prefix && i == parts.length - 1 && part.isEmpty();
      if (!trailing && (part.isEmpty() || part.equals(".") || part.equals(".."))) {
        throw new IllegalArgumentException("a transfer key has no empty, '.' or '..' parts: " + key);
      }
    }
  }
}
