package dev.circlet.runner.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.store.BlobStore.Blob;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cache lookup rules over a {@link BlobStore}: keys are immutable, and a restore key is a prefix —
 * the first key with any match wins and the newest cache under it is restored.
 *
 * <p>A cache key can be far longer than a file or object name may be, so the archive lives under
 * a fixed-length name, {@code caches/blobs/<sha-256 of the key>.tar.gz}, and an index object
 * beside it, {@code caches/index/<encoded key, cut to 140 characters>~<sha-256>.json}, holds the
 * whole key. Prefix restore lists the index by the encoded restore key (encoding each character
 * on its own keeps prefixes prefixes); when the cut name cannot decide a match, the index object's
 * key does.
 */
public final class CacheStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BLOBS = "caches/blobs/";
  private static final String INDEX = "caches/index/";
  /** Encoded key characters kept in an index name: with the hash it stays far below 255 bytes. */
  static final int NAME_PREFIX = 140;

  /**
   * A stored cache.
   *
   * @param homeRelative its entries are relative to HOME (so it restores into another HOME, e.g. parallel nodes)
   */
  public record Entry(String cacheKey, String objectKey, boolean homeRelative) {}

  private final BlobStore store;

  public CacheStore(BlobStore store) {
    this.store = store;
  }

  static String hash(String cacheKey) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(cacheKey.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The object holding a key's archive. */
  public static String blobKey(String cacheKey) {
    return BLOBS + hash(cacheKey) + ".tar.gz";
  }

  /** The index object of a key. */
  static String indexKey(String cacheKey) {
    return INDEX + cut(encode(cacheKey)) + "~" + hash(cacheKey) + ".json";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** At most {@link #NAME_PREFIX} characters, never ending inside a {@code %XX} escape. */
  static String cut(String encoded) {
    if (encoded.length() <= NAME_PREFIX) {
      return encoded;
    }
    int end = NAME_PREFIX;
    int pct = encoded.lastIndexOf('%', end - 1);
    if (pct >= 0 && pct > end - 3) {
      end = pct;
    }
    return encoded.substring(0, end);
  }

  public boolean exists(String cacheKey) throws IOException {
    return store.exists(indexKey(cacheKey));
  }

  /**
   * Stores {@code archive} under {@code cacheKey} unless the key exists; false when it did (another
   * node saved it first). The archive goes first, create-if-absent; its index entry after it, so a
   * restore never finds a key without its archive.
   */
  public boolean save(String cacheKey, boolean homeRelative, Path archive) throws IOException {
    boolean won = store.putIfAbsent(blobKey(cacheKey), archive);
    if (won || !exists(cacheKey)) {
      store.putBytes(indexKey(cacheKey), JSON.writeValueAsBytes(Map.of("key", cacheKey, "home", homeRelative)));
    }
    return won;
  }

  /** The cache to restore for a fallback list of rendered keys, if any matches. */
  public Optional<Entry> find(List<String> keys) throws IOException {
    for (String k : keys) {
      if (k.isBlank()) {
        continue;
      }
      String enc = encode(k);
      String listPrefix = INDEX + cut(enc.length() > NAME_PREFIX - 3 ? enc.substring(0, NAME_PREFIX - 3) : enc);
      List<Blob> candidates = store.list(listPrefix).stream()
          .filter(b -> b.key().endsWith(".json") && b.key().lastIndexOf('~') > INDEX.length() - 1)
          .sorted(Comparator.comparing(Blob::lastModified).thenComparing(Blob::key).reversed())
          .toList();
      for (Blob b : candidates) {
        String name = b.key().substring(INDEX.length());
        String known = URLDecoder.decode(name.substring(0, name.lastIndexOf('~')), StandardCharsets.UTF_8);
        if (known.length() >= k.length() && !known.startsWith(k)) {
          continue;
        }
        Optional<byte[]> meta = store.getBytes(b.key());
        if (meta.isEmpty()) {
          continue;
        }
        JsonNode m = JSON.readTree(meta.get());
        String key = m.path("key").asText();
        if (key.startsWith(k) && b.key().equals(indexKey(key))) {
          return Optional.of(new Entry(key, blobKey(key), m.path("home").asBoolean()));
        }
      }
    }
    return Optional.empty();
  }
}
