package dev.circlet.runner.steps;

import java.io.IOException;
import dev.circlet.runner.store.Archiver;
import dev.circlet.runner.volume.Volume;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Build pods: clones the repository at the revision with the agent-only clone credentials
 * ({@code /etc/circlet/clone/username|password}, or {@code token}). Credentials reach git through
 * an askpass script in an agent-private directory, never the URL, the remote config or the
 * shared volumes, so the primary container never sees them. Git runs on nothing the primary
 * container can write: a private HOME, no system or global config, no hooks, and a clone made in
 * a private directory that is then installed into place on the project volume without following
 * links (a {@code .git} planted at the destination is removed first, never reused).
 */
public final class GitCheckout implements CheckoutSource {
  private final String url;
  private final String revision;
  private final String branch;
  private final Path credentials;
  private final Path privateTmp;
  private final Volume volume;

  /**
   * @param privateTmp a directory only the agent can reach (its HOME for git, the clone in progress)
   * @param volume the project volume the checkout destination must lie in
   */
  public GitCheckout(String url, String revision, String branch, Path credentials, Path privateTmp, Volume volume) {
    this.url = url;
    this.revision = revision;
    this.branch = branch;
    this.credentials = credentials;
    this.privateTmp = privateTmp;
    this.volume = volume;
  }

  @Override
  public String checkout(Path dest, String method) throws IOException {
    if (url == null || url.isBlank()) {
      throw new IOException("checkout: the build has no repository URL");
    }
    volume.ensureDir(dest);
    Map<String, String> env = gitEnv();
    String m = method == null || method.isBlank() ? "shallow" : method;
    Path work = Files.createTempDirectory(privateTmp, "checkout");
    try {
      clone(work, env, m);
      volume.delete(dest.resolve(".git"));
      volume.install(work, dest);
    } finally {
      Archiver.deletePrivate(work);
    }
    String target = revision != null && !revision.isBlank() ? revision : (branch == null ? "HEAD" : branch);
    return "cloned " + url + " at " + target + " (" + m + ")";
  }

  private void clone(Path dest, Map<String, String> env, String m) throws IOException {
    git(dest, env, "init", "-q");
    git(dest, env, "remote", "add", "origin", url);
    List<String> fetch = new ArrayList<>(List.of("fetch", "-q", "origin"));
    if (m.equals("shallow")) {
      fetch.add(1, "--depth=1");
    } else if (m.equals("blobless")) {
      fetch.add(1, "--filter=blob:none");
    }
    String target = revision != null && !revision.isBlank() ? revision : (branch == null ? "HEAD" : branch);
    fetch.add(target);
    git(dest, env, fetch.toArray(String[]::new));
    git(dest, env, "checkout", "-q", "FETCH_HEAD");
    if (branch != null && !branch.isBlank()) {
      git(dest, env, "checkout", "-q", "-B", branch);
    }
  }

  /**
   * Git's environment: HOME and XDG_CONFIG_HOME in the agent's private directory (the agent's own
   * HOME is the shared project volume, where a {@code .gitconfig} could be planted), no system or
   * global config, no prompt, and askpass for the credentials.
   */
  private Map<String, String> gitEnv() throws IOException {
    Files.createDirectories(privateTmp);
    Path home = privateTmp.resolve("git-home");
    Files.createDirectories(home);
    Map<String, String> env = new java.util.HashMap<>(Map.of("HOME", home.toString(),
        "XDG_CONFIG_HOME", home.resolve(".config").toString(), "GIT_CONFIG_NOSYSTEM", "1",
        "GIT_CONFIG_GLOBAL", "/dev/null", "GIT_TERMINAL_PROMPT", "0",
        // ssh finds its config through the passwd entry's home, which may be the shared volume too
        "GIT_SSH_COMMAND", "ssh -F /dev/null"));
    if (credentials == null || !Files.isDirectory(credentials)) {
      return env;
    }
    Path askpass = privateTmp.resolve("git-askpass");
    Path user = credentials.resolve("username");
    Path pass = Files.exists(credentials.resolve("password")) ? credentials.resolve("password") : credentials.resolve("token");
    String script = "#!/bin/sh\ncase \"$1\" in\n  Username*) "
        + (Files.exists(user) ? "cat '" + user + "'" : "echo x-access-token") + " ;;\n  *) cat '" + pass + "' ;;\nesac\n";
    Files.deleteIfExists(askpass);
    Files.writeString(askpass, script, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
    env.put("GIT_ASKPASS", askpass.toString());
    return env;
  }

  private static void git(Path dir, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "advice.detachedHead=false",
        "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "protocol.ext.allow=never"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    // nothing of the agent's own git environment (GIT_DIR, GIT_CONFIG_*) leaks into the clone
    pb.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    try {
      if (p.waitFor() != 0) {
        throw new IOException("git " + args[0] + " failed: " + out);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("checkout interrupted");
    }
  }
}
