package dev.circlet.runner.volume;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * The boundary between the agent and the job's code: the project volume both containers mount.
 * The agent touches files there only by real paths that lie inside the volume, reached through
 * directories opened one by one without following links ({@code openat} with {@code O_NOFOLLOW}),
 * so a link the primary container plants or swaps in mid-way makes the operation fail instead of
 * reaching the agent's own files. Locally the whole machine is the volume ({@link #unconfined()}).
 */
public final class Volume {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ, NOFOLLOW);
  private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, NOFOLLOW);

  private final Path root;

  private Volume(Path root) {
    this.root = root;
  }

  /** The volume mounted at {@code root} (created when missing). */
  public static Volume of(Path root) throws IOException {
    Files.createDirectories(root);
    return new Volume(root.toRealPath());
  }

  /** Local runs: the steps are the user's own processes, so every path of the machine is theirs. */
  public static Volume unconfined() {
    return new Volume(Path.of("/"));
  }

  public Path root() {
    return root;
  }

  /**
   * The real path of {@code p} (links followed), which must lie inside the volume; a path that does
   * not exist yet resolves through its nearest existing ancestor.
   */
  public Path confine(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    Deque<String> rest = new ArrayDeque<>();
    Path existing = abs;
    while (existing != null && !Files.exists(existing, NOFOLLOW)) {
      rest.push(existing.getFileName().toString());
      existing = existing.getParent();
    }
    Path real;
    try {
      real = existing == null ? abs.getRoot() : existing.toRealPath();
    } catch (NoSuchFileException e) {
      throw new IOException(p + " goes through a link to nothing");
    }
    for (String r : rest) {
      real = real.resolve(r);
    }
    if (!real.startsWith(root)) {
      throw new IOException(p + " is outside the project volume " + root
          + ": the agent only reads and writes files on the volume it shares with the job");
    }
    return real;
  }

  /** Opens a directory (a real path inside the volume) by no-follow opens from the volume's root. */
  public SecureDirectoryStream<Path> openDir(Path real) throws IOException {
    if (!real.startsWith(root)) {
      throw new IOException(real + " is outside the project volume " + root);
    }
    DirectoryStream<Path> top = Files.newDirectoryStream(root);
    if (!(top instanceof SecureDirectoryStream<Path> cur)) {
      top.close();
      throw new IOException("this platform cannot open directories without following links");
    }
    try {
      for (Path name : root.relativize(real)) {
        if (name.toString().isEmpty()) {
          continue;
        }
        SecureDirectoryStream<Path> next = cur.newDirectoryStream(name, NOFOLLOW);
        cur.close();
        cur = next;
      }
      return cur;
    } catch (IOException e) {
      cur.close();
      throw new IOException(real + " cannot be opened inside the project volume without following a link ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** Attributes of {@code name} in {@code dir}, not following a link; null when absent. */
  public static PosixFileAttributes stat(SecureDirectoryStream<Path> dir, Path name) throws IOException {
    try {
      return dir.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW).readAttributes();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** A regular file inside the volume, opened without following links. */
  public InputStream open(Path p) throws IOException {
    Path real = confine(p);
    try (SecureDirectoryStream<Path> d = openDir(real.getParent())) {
      return Channels.newInputStream(openRegular(d, real.getFileName(), p));
    }
  }

  /** Opens a regular file of {@code dir} for reading; a FIFO, device or link is refused. */
  public static SeekableByteChannel openRegular(SecureDirectoryStream<Path> dir, Path name, Path shown)
      throws IOException {
    PosixFileAttributes a = stat(dir, name);
    if (a == null) {
      throw new NoSuchFileException(shown.toString());
    }
    if (!a.isRegularFile()) {
      throw new IOException(shown + " is not a regular file");
    }
    return dir.newByteChannel(name, READ);
  }

  public byte[] readAllBytes(Path p) throws IOException {
    try (InputStream in = open(p)) {
      return in.readAllBytes();
    }
  }

  /** The size of a regular file inside the volume, or -1 when it is not one. */
  public long size(Path p) throws IOException {
    Path real = confine(p);
    try (SecureDirectoryStream<Path> d = openDir(real.getParent())) {
      PosixFileAttributes a = stat(d, real.getFileName());
      return a != null && a.isRegularFile() ? a.size() : -1;
    }
  }

  /** Creates {@code dir} and its missing parents inside the volume; returns its real path. */
  public Path ensureDir(Path dir) throws IOException {
    Path real = confine(dir);
    Path at = root;
    for (Path name : root.relativize(real)) {
      if (name.toString().isEmpty()) {
        continue;
      }
      try (SecureDirectoryStream<Path> d = openDir(at)) {
        PosixFileAttributes a = stat(d, name);
        if (a == null) {
          mkdirIn(d, at, name);
        } else if (!a.isDirectory()) {
          throw new IOException(at.resolve(name) + " is not a directory");
        }
      }
      at = at.resolve(name);
    }
    openDir(real).close();
    return real;
  }

  /**
   * Makes directory {@code name} in {@code dir} (whose path is {@code dirPath}). Java has no
   * {@code mkdirat}: the path-based mkdir is checked afterwards through the held directory, so a
   * directory swapped for a link meanwhile fails the operation.
   */
  private static void mkdirIn(SecureDirectoryStream<Path> dir, Path dirPath, Path name) throws IOException {
    try {
      Files.createDirectory(dirPath.resolve(name));
    } catch (FileAlreadyExistsException e) {
      // made meanwhile; checked below like our own
    }
    PosixFileAttributes a = stat(dir, name);
    if (a == null || !a.isDirectory()) {
      throw new IOException(dirPath.resolve(name) + " changed while the agent was creating it");
    }
  }

  /** Writes a file inside the volume, replacing what is there (a planted link is replaced, never followed). */
  public void write(Path file, byte[] data, Set<PosixFilePermission> perms) throws IOException {
    Path dir = ensureDir(file.getParent());
    Path name = file.getFileName();
    try (SecureDirectoryStream<Path> d = openDir(dir)) {
      PosixFileAttributes a = stat(d, name);
      if (a != null) {
        if (a.isDirectory()) {
          throw new IOException(file + " is a directory");
        }
        d.deleteFile(name);
      }
      try (SeekableByteChannel ch = d.newByteChannel(name, CREATE)) {
        ch.write(java.nio.ByteBuffer.wrap(data));
      }
      if (perms != null) {
        d.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW).setPermissions(perms);
      }
    }
  }

  /** Regular files under {@code dir} (a file gives itself), found without following links, sorted. */
  public List<Path> files(Path p) throws IOException {
    Path real = confine(p);
    List<Path> out = new ArrayList<>();
    if (real.equals(root)) {
      try (SecureDirectoryStream<Path> d = openDir(real)) {
        collect(d, real, out);
      }
      out.sort(null);
      return out;
    }
    try (SecureDirectoryStream<Path> parent = openDir(real.getParent())) {
      PosixFileAttributes a = stat(parent, real.getFileName());
      if (a == null) {
        return out;
      }
      if (a.isRegularFile()) {
        return List.of(real);
      }
      if (a.isDirectory()) {
        try (SecureDirectoryStream<Path> d = parent.newDirectoryStream(real.getFileName(), NOFOLLOW)) {
          collect(d, real, out);
        }
      }
    }
    out.sort(null);
    return out;
  }

  private static void collect(SecureDirectoryStream<Path> d, Path at, List<Path> out) throws IOException {
    for (Path e : names(d)) {
      PosixFileAttributes a = stat(d, e);
      if (a == null) {
        continue;
      }
      if (a.isRegularFile()) {
        out.add(at.resolve(e));
      } else if (a.isDirectory()) {
        try (SecureDirectoryStream<Path> sub = d.newDirectoryStream(e, NOFOLLOW)) {
          collect(sub, at.resolve(e), out);
        }
      }
    }
  }

  /** The entry names of an open directory, sorted. */
  public static List<Path> names(SecureDirectoryStream<Path> d) {
    List<Path> names = new ArrayList<>();
    for (Path e : d) {
      names.add(e.getFileName());
    }
    names.sort(null);
    return names;
  }

  /** Deletes {@code p} (a tree is deleted depth first) without following links; absent is fine. */
  public void delete(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    Path parent = confine(abs.getParent());
    try (SecureDirectoryStream<Path> d = openDir(parent)) {
      deleteIn(d, abs.getFileName());
    }
  }

  /** Deletes entry {@code name} of {@code d} (a tree depth first) without following links; absent is fine. */
  public static void deleteIn(SecureDirectoryStream<Path> d, Path name) throws IOException {
    PosixFileAttributes a = stat(d, name);
    if (a == null) {
      return;
    }
    if (a.isDirectory()) {
      try (SecureDirectoryStream<Path> sub = d.newDirectoryStream(name, NOFOLLOW)) {
        for (Path e : names(sub)) {
          deleteIn(sub, e);
        }
      }
      d.deleteDirectory(name);
    } else {
      d.deleteFile(name);
    }
  }

  /**
   * Copies a tree the agent prepared in its own file system ({@code src}, which nobody else
   * writes) into {@code dest} inside the volume. Entries already at the destination are replaced
   * (a planted link is removed, never followed); directories are merged.
   */
  public void install(Path src, Path dest) throws IOException {
    Path real = ensureDir(dest);
    try (SecureDirectoryStream<Path> d = openDir(real)) {
      installChildren(src, d, real);
    }
  }

  private void installChildren(Path srcDir, SecureDirectoryStream<Path> d, Path destDir) throws IOException {
    List<Path> children;
    try (var s = Files.list(srcDir)) {
      children = s.sorted().toList();
    }
    for (Path c : children) {
      Path name = c.getFileName();
      PosixFileAttributes a = Files.readAttributes(c, PosixFileAttributes.class, NOFOLLOW);
      PosixFileAttributes existing = stat(d, name);
      if (a.isDirectory()) {
        if (existing != null && !existing.isDirectory()) {
          d.deleteFile(name);
          existing = null;
        }
        if (existing == null) {
          mkdirIn(d, destDir, name);
        }
        try (SecureDirectoryStream<Path> sub = d.newDirectoryStream(name, NOFOLLOW)) {
          installChildren(c, sub, destDir.resolve(name));
        }
        d.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW).setPermissions(a.permissions());
      } else if (a.isRegularFile() || a.isSymbolicLink()) {
        if (existing != null) {
          if (existing.isDirectory()) {
            throw new IOException(destDir.resolve(name) + " is a directory; it cannot be replaced by a file");
          }
          d.deleteFile(name);
        }
        if (a.isRegularFile()) {
          try (SeekableByteChannel out = d.newByteChannel(name, CREATE); InputStream in = Files.newInputStream(c)) {
            in.transferTo(Channels.newOutputStream(out));
          }
          PosixFileAttributeView v = d.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW);
          v.setPermissions(a.permissions());
          v.setTimes(a.lastModifiedTime(), null, null);
        } else {
          // no symlinkat in Java: made by path, then checked through the held directory
          Files.createSymbolicLink(destDir.resolve(name), Files.readSymbolicLink(c));
          PosixFileAttributes made = stat(d, name);
          if (made == null || !made.isSymbolicLink()) {
            throw new IOException(destDir.resolve(name) + " changed while the agent was creating it");
          }
        }
      }
    }
  }
}
