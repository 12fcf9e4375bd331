package dev.circlet.runner.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@link BlobStore} seen through one tenant's scope: every key (caches, workspaces, artifacts,
 * test results, timings) lives under {@code <scope>/}, so one project's prefix restore or listing
 * never reaches another's objects. The scope comes from the operator ({@code job.json}'s
 * {@code storageScope}, {@code orgs/<organization>/projects/<namespace>/<pipeline>}) or, for
 * {@code circlet run}, from the project directory; never from the job's config. Keys with empty,
 * {@code .} or {@code ..} segments are refused, so no key climbs out of its scope.
 */
public final class ScopedBlobStore implements BlobStore {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
  private final BlobStore store;
  private final String scope;

  public ScopedBlobStore(BlobStore store, String scope) {
    this.store = store;
    this.scope = validScope(scope) + "/";
  }

  public String scope() {
    return scope.substring(0, scope.length() - 1);
  }

  /** Checks a scope: segments of letters, digits, {@code .}, {@code _} and {@code -}, none empty, {@code .} or {@code ..}. */
  public static String validScope(String scope) {
    if (scope == null || scope.isBlank()) {
      throw new IllegalArgumentException("the storage scope is empty");
    }
    if (scope.length() > 512) {
      throw new IllegalArgumentException("the storage scope is longer than 512 characters");
    }
    for (String seg : scope.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || !SEGMENT.matcher(seg).matches()) {
        throw new IllegalArgumentException("storage scope " + scope + " is not valid: each /-separated segment"
            + " must be non-empty, not . or .., and use only letters, digits, '.', '_' and '-'");
      }
    }
    return scope;
  }

  /** {@code circlet run}'s scope: {@code local/<project directory name>}, made valid. */
  public static String localScope(Path project) {
    Path name = project.toAbsolutePath().normalize().getFileName();
    String n = name == null ? "" : name.toString().replaceAll("[^A-Za-z0-9._-]", "_");
    return "local/" + (n.isEmpty() || n.matches("\\.+") ? "project" : n);
  }

  private String key(String key) {
    if (key == null || key.isEmpty() || key.startsWith("/")) {
      throw new IllegalArgumentException("storage key is empty or absolute: " + key);
    }
    String[] segs = key.split("/", -1);
    for (int i = 0; i < segs.length; i++) {
      String s = segs[i];
      // a listing prefix may end with "/" (its last segment empty)
      boolean trailing = i == segs.length - 1 && s.isEmpty();
      if (!trailing && (s.isEmpty() || s.equals(".") || s.equals(".."))) {
        throw new IllegalArgumentException("storage key " + key + " has an empty, . or .. segment");
      }
    }
    return scope + key;
  }

  @Override
  public void put(String key, Path file) throws IOException {
    store.put(key(key), file);
  }

  @Override
  public void putBytes(String key, byte[] data) throws IOException {
    store.putBytes(key(key), data);
  }

  @Override
  public boolean get(String key, Path dest) throws IOException {
    return store.get(key(key), dest);
  }

  @Override
  public Optional<byte[]> getBytes(String key) throws IOException {
    return store.getBytes(key(key));
  }

  @Override
  public void delete(String key) throws IOException {
    store.delete(key(key));
  }

  @Override
  public List<Blob> list(String prefix) throws IOException {
    return store.list(key(prefix)).stream()
        .filter(b -> b.key().startsWith(scope))
        .map(b -> new Blob(b.key().substring(scope.length()), b.size(), b.lastModified()))
        .toList();
  }

  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    return store.putIfAbsent(key(key), file);
  }

  @Override
  public boolean exists(String key) throws IOException {
    return store.exists(key(key));
  }
}
