package dev.circlet.runner.steps;

import dev.circlet.config.model.Step;
import dev.circlet.runner.cache.CacheKeyTemplate;
import dev.circlet.runner.cache.CacheStore;
import dev.circlet.runner.env.PathResolver;
import dev.circlet.runner.model.Steps;
import dev.circlet.runner.store.Archiver;
import dev.circlet.runner.store.BlobStore;
import dev.circlet.runner.testing.TestGlob;
import dev.circlet.runner.volume.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * save_cache, restore_cache, persist_to_workspace, attach_workspace and store_artifacts over a
 * {@link BlobStore}. Every path they read or write must lie in the project {@link Volume}; they
 * read it without following links out of it, and restore into it through an agent-private
 * directory (see {@link Archiver}).
 */
public final class StorageSteps {
  private final BlobStore store;
  private final CacheStore caches;
  private final PathResolver paths;
  private final Volume volume;
  private final Path scratch;
  private final Consumer<String> log;

  /**
   * @param scratch agent-private directory for archives in transit
   * @param log receives progress lines of the current step
   */
  public StorageSteps(BlobStore store, PathResolver paths, Volume volume, Path scratch, Consumer<String> log) {
    this.store = store;
    this.caches = new CacheStore(store);
    this.paths = paths;
    this.volume = volume;
    this.scratch = scratch;
    this.log = log;
  }

  /** save_cache: archives the paths under the rendered key unless that key already exists. */
  public void saveCache(Step s, CacheKeyTemplate.Values values) throws IOException {
    if (s.key() == null || s.key().isBlank()) {
      throw new IllegalArgumentException("save_cache needs a key");
    }
    String key = CacheKeyTemplate.render(s.key(), values);
    if (caches.exists(key)) {
      log.accept("Skipping cache generation, cache already exists for key: " + key);
      return;
    }
    List<Path> found = new ArrayList<>();
    for (String p : Steps.paths(s)) {
      Path abs = paths.resolve(p);
      volume.confine(abs.getParent());
      if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        found.add(abs);
      } else {
        log.accept("Warning: path " + p + " does not exist, skipping it");
      }
    }
    if (found.isEmpty()) {
      log.accept("No paths to cache; nothing saved for key " + key);
      return;
    }
    boolean underHome = found.stream().allMatch(p -> p.startsWith(paths.home()) && !p.equals(paths.home()));
    Path base = underHome ? paths.home() : Path.of("/");
    List<String> entries = found.stream().map(p -> base.relativize(p).toString()).toList();
    Path archive = tmp("cache");
    Archiver.pack(volume, base, entries, archive);
    if (caches.save(key, underHome, archive)) {
      log.accept("Stored cache " + key + " (" + Files.size(archive) + " bytes): " + String.join(", ", Steps.paths(s)));
    } else {
      log.accept("Skipping cache generation, cache was saved meanwhile for key: " + key);
    }
    Files.deleteIfExists(archive);
  }

  /** restore_cache: the first key (a prefix) with a match wins; its newest cache is restored. */
  public void restoreCache(Step s, CacheKeyTemplate.Values values) throws IOException {
    List<String> keys = new ArrayList<>();
    if (s.key() != null && !s.key().isBlank()) {
      keys.add(CacheKeyTemplate.render(s.key(), values));
    }
    for (String k : Steps.keys(s)) {
      keys.add(CacheKeyTemplate.render(k, values));
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("restore_cache needs key or keys");
    }
    Optional<CacheStore.Entry> found = caches.find(keys);
    if (found.isEmpty()) {
      log.accept("No cache is found for keys: " + String.join(", ", keys));
      return;
    }
    Path archive = tmp("cache");
    if (!store.get(found.get().objectKey(), archive)) {
      log.accept("Cache " + found.get().cacheKey() + " disappeared before download; continuing without it");
      return;
    }
    Archiver.extract(archive, scratch, volume, found.get().homeRelative() ? paths.home() : Path.of("/"));
    log.accept("Restored cache " + found.get().cacheKey() + " (" + Files.size(archive) + " bytes)");
    Files.deleteIfExists(archive);
  }

  /** persist_to_workspace: a layer of files (globs under root) for later jobs of the workflow. */
  public void persist(Step s, String workflowId, String layerName) throws IOException {
    if (s.root() == null || Steps.paths(s).isEmpty()) {
      throw new IllegalArgumentException("persist_to_workspace needs root and paths");
    }
    Path root = paths.resolve(s.root());
    volume.confine(root);
    List<String> entries = new ArrayList<>();
    for (String p : Steps.paths(s)) {
      String rel = p.startsWith("/") ? root.relativize(Path.of(p)).toString() : p;
      if (!root.resolve(rel).normalize().startsWith(root)) {
        throw new IOException("persist_to_workspace: " + p + " is not under the root " + root);
      }
      if (Files.exists(root.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
        entries.add(rel);
      } else {
        volume.confine(root.resolve(TestGlob.literalDir(rel)));
        List<String> matches = TestGlob.glob(root, List.of(rel));
        if (matches.isEmpty()) {
          throw new IOException("persist_to_workspace: nothing matches " + p + " under " + root);
        }
        entries.addAll(matches);
      }
    }
    Path archive = tmp("workspace");
    Archiver.pack(volume, root, entries, archive);
    store.put(workspaceKey(workflowId, layerName), archive);
    log.accept("Persisted " + entries.size() + " path(s) from " + root + " (" + Files.size(archive) + " bytes)");
    Files.deleteIfExists(archive);
  }

  /** attach_workspace: applies the workflow's layers, oldest first, limited to the given upstream jobs when known. */
  public void attach(Step s, String workflowId, Set<String> upstreamJobs) throws IOException {
    Path at = paths.resolve(s.at() == null ? "." : s.at());
    volume.confine(at);
    String prefix = "workspaces/" + workflowId + "/";
    List<BlobStore.Blob> layers = new ArrayList<>(store.list(prefix));
    layers.sort(Comparator.comparing(BlobStore.Blob::lastModified).thenComparing(BlobStore.Blob::key));
    int applied = 0;
    for (BlobStore.Blob b : layers) {
      String job = b.key().substring(prefix.length()).replaceFirst("\\.\\d+(-\\d+)?\\.tar\\.gz$", "");
      if (upstreamJobs != null && !upstreamJobs.contains(job)) {
        continue;
      }
      Path archive = tmp("workspace");
      store.get(b.key(), archive);
      Archiver.extract(archive, scratch, volume, at);
      Files.deleteIfExists(archive);
      applied++;
    }
    if (applied == 0) {
      throw new IOException("attach_workspace: no workspace was persisted by an upstream job of this workflow");
    }
    log.accept("Attached " + applied + " workspace layer(s) at " + at);
  }

  static String workspaceKey(String workflowId, String layerName) {
    return "workspaces/" + workflowId + "/" + layerName + ".tar.gz";
  }

  /** store_artifacts: uploads a file or a folder under {@code prefix/destination}; returns the stored keys. */
  public List<String> storeArtifacts(Step s, String prefix) throws IOException {
    if (s.path() == null) {
      throw new IllegalArgumentException("store_artifacts needs a path");
    }
    Path src = volume.confine(paths.resolve(s.path()));
    String dest = destination(s.destination() == null || s.destination().isBlank()
        ? s.path().replaceFirst("^~/", "") : s.destination());
    List<String> keys = new ArrayList<>();
    List<Path> files = volume.files(src);
    if (files.isEmpty() && !Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
      log.accept("Warning: " + s.path() + " does not exist; no artifacts uploaded");
      return keys;
    }
    for (Path f : files) {
      String key = prefix + (f.equals(src) ? dest : dest + "/" + src.relativize(f));
      upload(key, f);
      keys.add(key);
    }
    log.accept("Uploaded " + keys.size() + " artifact(s) from " + src);
    return keys;
  }

  /** An artifact destination as a relative key: leading slashes and {@code .} segments dropped, {@code ..} refused. */
  static String destination(String d) {
    Path p = Path.of(d.replaceFirst("^/+", "")).normalize();
    if (p.toString().isEmpty() || p.startsWith("..")) {
      throw new IllegalArgumentException("store_artifacts: destination " + d + " leaves the build's artifacts");
    }
    return p.toString();
  }

  /** Copies a volume file into the agent's scratch space through a no-follow open, then uploads the copy. */
  private void upload(String key, Path file) throws IOException {
    Path copy = tmp("artifact");
    try (var in = volume.open(file)) {
      Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      store.put(key, copy);
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  private Path tmp(String kind) throws IOException {
    Files.createDirectories(scratch);
    return Files.createTempFile(scratch, kind, ".tar.gz");
  }
}
