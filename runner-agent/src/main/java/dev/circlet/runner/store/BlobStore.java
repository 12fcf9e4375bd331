package dev.circlet.runner.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where caches, workspaces, artifacts, test results and timings live: S3-compatible storage or a local directory. */
public interface BlobStore {
  /** One stored object. */
  record Blob(String key, long size, Instant lastModified) {}

  /** Uploads a file under {@code key}, replacing an existing object. */
  void put(String key, Path file) throws IOException;

  /** Uploads bytes under {@code key}. */
  void putBytes(String key, byte[] data) throws IOException;

  /** Downloads {@code key} to {@code dest}; false when there is no such object. */
  boolean get(String key, Path dest) throws IOException;

  /** The bytes of {@code key}, if present. */
  Optional<byte[]> getBytes(String key) throws IOException;

  /** Removes {@code key}; nothing when there is no such object. */
  void delete(String key) throws IOException;

  /** Objects whose key starts with {@code prefix}. */
  List<Blob> list(String prefix) throws IOException;

  /**
   * Uploads unless {@code key} exists; false when it did. Immutable objects (cache keys) use this;
   * the default checks then writes, stores that can do it atomically override it.
   */
  default boolean putIfAbsent(String key, Path file) throws IOException {
    if (exists(key)) {
      return false;
    }
    put(key, file);
    return true;
  }

  default boolean exists(String key) throws IOException {
    return list(key).stream().anyMatch(b -> b.key().equals(key));
  }
}
