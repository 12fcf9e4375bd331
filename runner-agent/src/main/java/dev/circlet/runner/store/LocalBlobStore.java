package dev.circlet.runner.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A {@link BlobStore} in a local directory: keys are relative paths (local runs, {@code PATH/.circlet/store}). */
public final class LocalBlobStore implements BlobStore {
  private final Path root;

  public LocalBlobStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  private Path file(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || key.isEmpty()) {
      throw new IllegalArgumentException("object key escapes the store: " + key);
    }
    return p;
  }

  @Override
  public void put(String key, Path src) throws IOException {
    Path dest = file(key);
    Files.createDirectories(dest.getParent());
    Path tmp = dest.resolveSibling(dest.getFileName() + ".part" + ProcessHandle.current().pid() + Thread.currentThread().threadId());
    Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public boolean putIfAbsent(String key, Path src) throws IOException {
    Path dest = file(key);
    Files.createDirectories(dest.getParent());
    Path tmp = dest.resolveSibling(dest.getFileName() + ".part" + ProcessHandle.current().pid() + Thread.currentThread().threadId());
    Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
    try {
      // a hard link fails atomically when the name exists: two writers cannot both win
      Files.createLink(dest, tmp);
      return true;
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void putBytes(String key, byte[] data) throws IOException {
    Path dest = file(key);
    Files.createDirectories(dest.getParent());
    Path tmp = dest.resolveSibling(dest.getFileName() + ".part" + ProcessHandle.current().pid() + Thread.currentThread().threadId());
    Files.write(tmp, data);
    Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public boolean get(String key, Path dest) throws IOException {
    Path src = file(key);
    if (!Files.isRegularFile(src)) {
      return false;
    }
    Files.createDirectories(dest.toAbsolutePath().getParent());
    Files.copy(src, dest, StandardCopyOption.REPLACE_EXISTING);
    return true;
  }

  @Override
  public Optional<byte[]> getBytes(String key) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(file(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(file(key));
  }

  @Override
  public List<Blob> list(String prefix) throws IOException {
    int slash = prefix.lastIndexOf('/');
    Path base = slash < 0 ? root : file(prefix.substring(0, slash));
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    List<Blob> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(base)) {
      s.filter(Files::isRegularFile).forEach(p -> {
        String key = root.relativize(p).toString();
        if (key.startsWith(prefix) && !p.getFileName().toString().contains(".part")) {
          try {
            out.add(new Blob(key, Files.size(p), Files.getLastModifiedTime(p).toInstant()));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      });
    }
    out.sort(Comparator.comparing(Blob::key));
    return out;
  }
}
