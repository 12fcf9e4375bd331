package dev.circlet.gateway.trigger;

import dev.circlet.api.v1alpha1.Pipeline;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Loads a Pipeline's config: the inline {@code spec.config}, or the file at {@code spec.configPath}
 * (default {@code .circleci/config.yml}) in the repository at the revision. The repository is read
 * with git: a shallow fetch of that one commit without blobs, then the one blob of the config, so a
 * large repository costs one commit and one file. Credentials come from the clone Secret
 * ({@code username}/{@code password} for HTTPS, {@code ssh-privatekey} and optional
 * {@code known_hosts} for SSH) and reach git through its environment, never its command line.
 */
public final class RepositoryConfigLoader implements ConfigLoader {
  static final String DEFAULT_PATH = ".circleci/config.yml";
  private static final Pattern REVISION = Pattern.compile("[0-9a-fA-F]{7,64}|[A-Za-z0-9._/-]{1,200}");

  private final KubernetesClient client;
  private final long timeoutSeconds;

  public RepositoryConfigLoader(KubernetesClient client, long timeoutSeconds) {
    this.client = client;
    this.timeoutSeconds = timeoutSeconds;
  }

  @Override
  public Loaded load(Pipeline pipeline, String revision) {
    var spec = pipeline.getSpec();
    String path = spec.configPath == null || spec.configPath.isBlank() ? DEFAULT_PATH : spec.configPath;
    if (spec.config != null && !spec.config.isBlank()) {
      return new Loaded(path, spec.config);
    }
    if (revision == null || !REVISION.matcher(revision).matches() || revision.startsWith("-")) {
      throw new ConfigNotFoundException("revision '" + revision + "' cannot be fetched");
    }
    Secret secret = null;
    if (spec.repository.cloneSecretRef != null) {
      secret = client.secrets().inNamespace(pipeline.getMetadata().getNamespace())
          .withName(spec.repository.cloneSecretRef).get();
      if (secret == null) {
        throw new IllegalStateException("clone Secret " + spec.repository.cloneSecretRef + " not found");
      }
    }
    return new Loaded(path, fetch(spec.repository.url, revision, path, secret));
  }

  String fetch(String url, String revision, String path, Secret secret) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("circlet-config-");
      Map<String, String> env = credentials(url, secret, dir);
      git(dir, env, "init", "-q", "--bare", ".");
      git(dir, env, "remote", "add", "origin", url);
      git(dir, env, "config", "remote.origin.promisor", "true");
      git(dir, env, "config", "remote.origin.partialclonefilter", "blob:none");
      git(dir, env, "-c", "protocol.version=2", "fetch", "-q", "--depth=1", "--no-tags", "--filter=blob:none",
          "origin", revision);
      Result show = run(dir, env, List.of("git", "cat-file", "blob", "FETCH_HEAD:" + path));
      if (show.code != 0) {
        throw new ConfigNotFoundException(path + " does not exist at " + revision);
      }
      return show.out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(dir);
    }
  }

  private static Map<String, String> credentials(String url, Secret secret, Path dir) throws IOException {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("GIT_TERMINAL_PROMPT", "0");
    if (secret == null || secret.getData() == null) {
      return env;
    }
    Map<String, String> data = secret.getData();
    if (data.containsKey("password")) {
      String user = data.containsKey("username") ? decode(data.get("username")) : "x-access-token";
      String basic = Base64.getEncoder().encodeToString((user + ":" + decode(data.get("password")))
          .getBytes(StandardCharsets.UTF_8));
      env.put("GIT_CONFIG_COUNT", "1");
      env.put("GIT_CONFIG_KEY_0", "http.extraHeader");
      env.put("GIT_CONFIG_VALUE_0", "Authorization: Basic " + basic);
    }
    if (data.containsKey("ssh-privatekey")) {
      Path key = dir.resolve("id");
      Files.writeString(key, decode(data.get("ssh-privatekey")));
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      String hosts = "-o StrictHostKeyChecking=yes";
      if (data.containsKey("known_hosts")) {
        Path known = dir.resolve("known_hosts");
        Files.writeString(known, decode(data.get("known_hosts")));
        hosts += " -o UserKnownHostsFile=" + known;
      }
      env.put("GIT_SSH_COMMAND", "ssh -i " + key + " -o IdentitiesOnly=yes " + hosts);
    }
    return env;
  }

  private static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  private void git(Path dir, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Result r = run(dir, env, cmd);
    if (r.code != 0) {
      int i = 0;
      while (i < args.length - 1 && args[i].equals("-c")) {
        i += 2; // name the subcommand, not the option in front of it
      }
      throw new IllegalStateException("git " + args[i] + " failed: " + r.out.strip());
    }
  }

  private record Result(int code, String out) {}

  private Result run(Path dir, Map<String, String> env, List<String> cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("git timed out after " + timeoutSeconds + "s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted", e);
    }
    return new Result(p.exitValue(), out);
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }
}
