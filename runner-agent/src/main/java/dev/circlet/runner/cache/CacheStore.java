package dev.circlet.runner.cache;

import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.store.BlobStore.Blob;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Cache lookup rules over a {@link BlobStore}: keys are immutable, and a restore key is a prefix —
 * the first key with any match wins and the newest object under it is restored.
 */
public final class CacheStore {
  private static final String DIR = "caches/";
  private static final String EXT = ".tar.gz";
  /** Archives of paths under HOME are stored relative to it, so they restore into another HOME (parallel nodes). */
  private static final String HOME_EXT = ".home.tar.gz";

  /** A stored cache: its key, object key, and whether its entries are relative to HOME. */
  public record Entry(String cacheKey, String objectKey, boolean homeRelative) {}
  private final BlobStore store;

  public CacheStore(BlobStore store) {
    this.store = store;
  }

  /** Object key of a cache key; encoding per character keeps prefixes prefixes. */
  static String objectKey(String cacheKey) {
    return DIR + URLEncoder.encode(cacheKey, StandardCharsets.UTF_8) + EXT;
  }

  static String objectKey(String cacheKey, boolean homeRelative) {
    return DIR + URLEncoder.encode(cacheKey, StandardCharsets.UTF_8) + (homeRelative ? HOME_EXT : EXT);
  }

  static String cacheKey(String objectKey) {
    int ext = objectKey.endsWith(HOME_EXT) ? HOME_EXT.length() : EXT.length();
    String enc = objectKey.substring(DIR.length(), objectKey.length() - ext);
    return URLDecoder.decode(enc, StandardCharsets.UTF_8);
  }

  public boolean exists(String cacheKey) throws IOException {
    return store.exists(objectKey(cacheKey)) || store.exists(objectKey(cacheKey, true));
  }

  public String objectKeyFor(String cacheKey, boolean homeRelative) {
    return objectKey(cacheKey, homeRelative);
  }

  /** The cache key to restore for a fallback list of rendered keys, if any matches. */
  public Optional<Entry> find(List<String> keys) throws IOException {
    for (String k : keys) {
      if (k.isBlank()) {
        continue;
      }
      String p = DIR + URLEncoder.encode(k, StandardCharsets.UTF_8);
      Optional<Blob> newest = store.list(p).stream()
          .filter(b -> b.key().endsWith(EXT))
          .max(Comparator.comparing(Blob::lastModified).thenComparing(Blob::key));
      if (newest.isPresent()) {
        String ok = newest.get().key();
        return Optional.of(new Entry(cacheKey(ok), ok, ok.endsWith(HOME_EXT)));
      }
    }
    return Optional.empty();
  }
}
