package dev.circlet.runner.store;

import dev.circlet.runner.volume.Volume;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip tarballs of caches and workspaces, keeping modes and symlinks. Packing reads the project
 * volume only through {@link Volume} (no link followed out of it); unpacking goes into an
 * agent-private directory first, refusing entries that leave it or pass through a link, and the
 * result is then installed into place on the volume without following links there either.
 */
public final class Archiver {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private Archiver() {}

  /** Packs {@code entries} (relative to {@code base}, a directory inside the volume) into {@code archive}. */
  public static void pack(Volume volume, Path base, List<String> entries, Path archive) throws IOException {
    Path realBase = volume.confine(base);
    try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(archive)), 65536)) {
      Tar.Writer w = new Tar.Writer(out);
      for (String entry : entries) {
        Path abs = base.resolve(entry).normalize();
        if (!abs.startsWith(base.normalize())) {
          throw new IOException(entry + " is not under " + base);
        }
        String name = base.normalize().relativize(abs).toString();
        if (name.isEmpty()) {
          try (SecureDirectoryStream<Path> d = volume.openDir(realBase)) {
            for (Path child : Volume.names(d)) {
              add(w, d, realBase, child, child.toString());
            }
          }
          continue;
        }
        // links on the way to the entry are followed inside the volume; the entry itself is archived as it is
        Path parent = volume.confine(abs.getParent());
        try (SecureDirectoryStream<Path> d = volume.openDir(parent)) {
          add(w, d, parent, abs.getFileName(), name);
        }
      }
      w.finish();
    }
  }

  private static void add(Tar.Writer w, SecureDirectoryStream<Path> d, Path dirPath, Path name, String entry)
      throws IOException {
    PosixFileAttributes a = Volume.stat(d, name);
    if (a == null) {
      throw new IOException(dirPath.resolve(name) + " disappeared while it was archived");
    }
    int mode = mode(a.permissions());
    long mtime = a.lastModifiedTime().toMillis() / 1000;
    if (a.isDirectory()) {
      w.header(new Tar.Entry(entry, Tar.Type.DIRECTORY, mode, 0, mtime, null));
      try (SecureDirectoryStream<Path> sub = d.newDirectoryStream(name, NOFOLLOW)) {
        for (Path child : Volume.names(sub)) {
          add(w, sub, dirPath.resolve(name), child, entry + "/" + child);
        }
      }
    } else if (a.isRegularFile()) {
      try (SeekableByteChannel ch = Volume.openRegular(d, name, dirPath.resolve(name))) {
        w.header(new Tar.Entry(entry, Tar.Type.FILE, mode, a.size(), mtime, null));
        w.data(Channels.newInputStream(ch), a.size());
      }
    } else if (a.isSymbolicLink()) {
      // the link's text only: reading it by path cannot reach the content of what it names
      w.header(new Tar.Entry(entry, Tar.Type.SYMLINK, 0777, 0, mtime,
          Files.readSymbolicLink(dirPath.resolve(name)).toString()));
    }
  }

  /**
   * Unpacks {@code archive} into {@code privateDir}, a directory only the agent writes. Entries
   * with absolute names or {@code ..}, entries that would pass through a symbolic link, and hard
   * links to names outside the archive are refused; links themselves are kept as links.
   */
  public static void unpack(Path archive, Path privateDir) throws IOException {
    Files.createDirectories(privateDir);
    List<Path> dirs = new ArrayList<>();
    List<Set<PosixFilePermission>> dirModes = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)), 65536)) {
      Tar.Reader r = new Tar.Reader(in);
      for (Tar.Entry e; (e = r.next()) != null; ) {
        Path target = inside(privateDir, e.name());
        if (target == null) {
          continue;
        }
        noLinkOnTheWay(privateDir, target, e.name());
        Files.createDirectories(target.getParent());
        switch (e.type()) {
          case DIRECTORY -> {
            if (Files.isSymbolicLink(target)) {
              throw new IOException("archive entry " + e.name() + " would replace a link with a directory");
            }
            Files.createDirectories(target);
            dirs.add(target);
            dirModes.add(perms(e.mode() | 0700));
          }
          case FILE -> {
            Files.deleteIfExists(target);
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, NOFOLLOW)) {
              r.data().transferTo(out);
            }
            Files.setPosixFilePermissions(target, perms(e.mode()));
            Files.setLastModifiedTime(target, FileTime.fromMillis(e.mtimeSeconds() * 1000));
          }
          case SYMLINK -> {
            Files.deleteIfExists(target);
            Files.createSymbolicLink(target, Path.of(e.link()));
          }
          case HARDLINK -> {
            Path src = inside(privateDir, e.link());
            if (src == null || !Files.isRegularFile(src, NOFOLLOW)) {
              throw new IOException("archive entry " + e.name() + " links to " + e.link() + ", which is not a file of the archive");
            }
            noLinkOnTheWay(privateDir, src, e.link());
            Files.deleteIfExists(target);
            Files.copy(src, target, NOFOLLOW);
          }
          default -> {
            // devices and FIFOs are not restored
          }
        }
      }
    }
    for (int i = dirs.size() - 1; i >= 0; i--) {
      Files.setPosixFilePermissions(dirs.get(i), dirModes.get(i));
    }
  }

  /** Unpacks into a private directory under {@code scratch}, then installs the tree at {@code dest} in the volume. */
  public static void extract(Path archive, Path scratch, Volume volume, Path dest) throws IOException {
    Path priv = Files.createTempDirectory(scratch, "extract");
    try {
      unpack(archive, priv);
      volume.install(priv, dest);
    } finally {
      deletePrivate(priv);
    }
  }

  /** The entry's path under {@code dir}; null for the archive's own root ({@code ./}). */
  private static Path inside(Path dir, String name) throws IOException {
    String n = name.replaceFirst("^(\\./)+", "");
    if (n.isEmpty() || n.equals(".")) {
      return null;
    }
    if (n.startsWith("/") || Path.of(n).isAbsolute()) {
      throw new IOException("archive entry " + name + " has an absolute name; refused");
    }
    for (Path part : Path.of(n)) {
      if (part.toString().equals("..")) {
        throw new IOException("archive entry " + name + " leaves the directory it is extracted into; refused");
      }
    }
    return dir.resolve(n).normalize();
  }

  private static void noLinkOnTheWay(Path dir, Path target, String name) throws IOException {
    Path at = dir;
    for (Path part : dir.relativize(target.getParent())) {
      if (part.toString().isEmpty()) {
        continue;
      }
      at = at.resolve(part);
      if (Files.isSymbolicLink(at)) {
        throw new IOException("archive entry " + name + " passes through the symbolic link "
            + dir.relativize(at) + "; refused");
      }
    }
  }

  static int mode(Set<PosixFilePermission> p) {
    int m = 0;
    for (PosixFilePermission x : p) {
      m |= 1 << (8 - x.ordinal());
    }
    return m;
  }

  static Set<PosixFilePermission> perms(int mode) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission x : PosixFilePermission.values()) {
      if ((mode & (1 << (8 - x.ordinal()))) != 0) {
        s.add(x);
      }
    }
    return s;
  }

  /** Deletes a tree in the agent's own file system (read-only directories included). */
  public static void deletePrivate(Path dir) throws IOException {
    if (!Files.exists(dir, NOFOLLOW)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
        Files.setPosixFilePermissions(d, perms(0700));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        Files.delete(f);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
