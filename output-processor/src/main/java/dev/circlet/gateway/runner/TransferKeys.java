package dev.circlet.gateway.runner;

import dev.circlet.proto.runner.v1.TransferRequest;

/**
 * The object key a runner may reach for a cache, workspace or artifact: always inside its
 * Build's storage scope, never a path that climbs out of it.
 */
public final class TransferKeys {
  private TransferKeys() {}

  public static String objectKey(RunnerIdentity id, TransferRequest.Kind kind, String key) {
    if (key == null || key.isEmpty() || key.length() > 1024) {
      throw new IllegalArgumentException("a transfer key is 1 to 1024 characters");
    }
    if (key.startsWith("/") || key.contains("\\") || key.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("a transfer key is a relative path without control characters");
    }
    for (String part : key.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("a transfer key has no empty, '.' or '..' parts: " + key);
      }
    }
    String scope = id.storageScope() == null || id.storageScope().isBlank()
        ? "ns/" + id.namespace() : id.storageScope();
    return switch (kind) {
      // caches are shared by the scope's builds; workspaces and artifacts belong to the Build
      case CACHE -> scope + "/caches/" + key;
      case WORKSPACE -> scope + "/workspaces/" + key;
      case ARTIFACT -> scope + "/artifacts/" + id.namespace() + "/" + id.build() + "/" + key;
      default -> throw new IllegalArgumentException("transfer kind must be CACHE, WORKSPACE or ARTIFACT");
    };
  }
}
