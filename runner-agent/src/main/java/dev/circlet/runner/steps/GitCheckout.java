package dev.circlet.runner.steps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Build pods: clones the repository at the revision with the agent-only clone credentials
 * ({@code /etc/circlet/clone/username|password}, or {@code token}). Credentials reach git through
 * an askpass script in an agent-private directory, never the URL, the remote config or the
 * shared volumes, so the primary container never sees them.
 */
public final class GitCheckout implements CheckoutSource {
  private final String url;
  private final String revision;
  private final String branch;
  private final Path credentials;
  private final Path privateTmp;

  public GitCheckout(String url, String revision, String branch, Path credentials, Path privateTmp) {
    this.url = url;
    this.revision = revision;
    this.branch = branch;
    this.credentials = credentials;
    this.privateTmp = privateTmp;
  }

  @Override
  public String checkout(Path dest, String method) throws IOException {
    if (url == null || url.isBlank()) {
      throw new IOException("checkout: the build has no repository URL");
    }
    Files.createDirectories(dest);
    Map<String, String> env = askpassEnv();
    String m = method == null || method.isBlank() ? "shallow" : method;
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
    return "cloned " + url + " at " + target + " (" + m + ")";
  }

  private Map<String, String> askpassEnv() throws IOException {
    if (credentials == null || !Files.isDirectory(credentials)) {
      return Map.of("GIT_TERMINAL_PROMPT", "0");
    }
    Files.createDirectories(privateTmp);
    Path askpass = privateTmp.resolve("git-askpass");
    Path user = credentials.resolve("username");
    Path pass = Files.exists(credentials.resolve("password")) ? credentials.resolve("password") : credentials.resolve("token");
    String script = "#!/bin/sh\ncase \"$1\" in\n  Username*) "
        + (Files.exists(user) ? "cat '" + user + "'" : "echo x-access-token") + " ;;\n  *) cat '" + pass + "' ;;\nesac\n";
    Files.writeString(askpass, script);
    Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
    return Map.of("GIT_ASKPASS", askpass.toString(), "GIT_TERMINAL_PROMPT", "0");
  }

  private static void git(Path dir, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "advice.detachedHead=false"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
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
