package dev.circlet.kubetest.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A pod's projected ServiceAccount token files: each is written when the volume is mounted and
 * written again with a newly requested token at its {@link TokenRefresh} point, so a pod that runs
 * longer than a token's lifetime always finds a valid one. A rewrite replaces the file in one
 * rename, so a reader sees the old token or the new one, never a part of either.
 */
final class ProjectedTokens {

  private static final Logger LOG = Logger.getLogger(ProjectedTokens.class.getName());
  /** After a failed request the old token is kept and the request tried again this much later. */
  static final Duration RETRY = Duration.ofSeconds(5);

  /** A token from the TokenRequest API and the instant it expires. */
  record Issued(String token, Instant expires) { }

  /** Requests a token for the source a file was projected from. */
  @FunctionalInterface
  interface Issuer {
    Issued issue(Source source) throws PodVolumes.MountError;
  }

  /** What a token file was projected from: its audience and requested lifetime. */
  record Source(String audience, long expirationSeconds) { }

  private static final class Entry {
    final Path file;
    final int mode;
    final Source source;
    Instant refreshAt;

    Entry(Path file, int mode, Source source) {
      this.file = file;
      this.mode = mode;
      this.source = source;
    }
  }

  private final TokenRefresh policy;
  private final Clock clock;
  private final Issuer issuer;
  private final List<Entry> entries = new ArrayList<>();

  ProjectedTokens(TokenRefresh policy, Clock clock, Issuer issuer) {
    this.policy = policy;
    this.clock = clock;
    this.issuer = issuer;
  }

  /** Requests the first token for {@code file} and writes it; a failed request fails the mount. */
  synchronized void mount(Path file, int mode, Source source) throws PodVolumes.MountError, IOException {
    Entry e = new Entry(file, mode, source);
    renew(e);
    entries.removeIf(old -> old.file.equals(file));
    entries.add(e);
  }

  /** Renews every token whose refresh point has come; returns how many files were rewritten. */
  synchronized int refreshDue() {
    int n = 0;
    for (Entry e : entries) {
      if (clock.instant().isBefore(e.refreshAt)) {
        continue;
      }
      try {
        renew(e);
        n++;
      } catch (PodVolumes.MountError | IOException | RuntimeException ex) {
        // the old token stays in place until it expires; a kubelet keeps trying too
        e.refreshAt = clock.instant().plus(RETRY);
        LOG.log(Level.WARNING, "refreshing the token in " + e.file + " failed; trying again in " + RETRY, ex);
      }
    }
    return n;
  }

  /** The earliest refresh point, or null without token files. */
  synchronized Instant nextRefresh() {
    return entries.stream().map(e -> e.refreshAt).min(Instant::compareTo).orElse(null);
  }

  private void renew(Entry e) throws PodVolumes.MountError, IOException {
    Instant issued = clock.instant();
    Issued t = issuer.issue(e.source);
    writeAtomically(e.file, t.token(), e.mode);
    e.refreshAt = policy.refreshAt(issued, t.expires());
  }

  /** Writes {@code content} beside {@code file} and renames it over {@code file}. */
  static void writeAtomically(Path file, String content, int mode) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(tmp, PodVolumes.permissions(mode));
      } catch (UnsupportedOperationException ignored) {
        // a file system without POSIX permissions: the content is what matters for tests
      }
      // rename(2) within one directory replaces the file in one step
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
