package dev.circlet.runner.steps;

import dev.circlet.runner.volume.Volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Consumer;

/**
 * add_ssh_keys: installs the keys named by fingerprint from the agent's key directory into ~/.ssh,
 * writing through the project {@link Volume} so a planted link never redirects a key.
 */
public final class SshKeys {
  private SshKeys() {}

  public static void install(Path keysDir, Path home, Volume volume, List<String> fingerprints, Consumer<String> log)
      throws IOException {
    if (keysDir == null || !Files.isDirectory(keysDir)) {
      log.accept("add_ssh_keys: no SSH keys were given to this build; using whatever keys ~/.ssh already holds");
      return;
    }
    Path ssh = home.resolve(".ssh");
    volume.ensureDir(ssh);
    StringBuilder config = new StringBuilder();
    if (volume.size(ssh.resolve("config")) >= 0) {
      config.append(new String(volume.readAllBytes(ssh.resolve("config")), java.nio.charset.StandardCharsets.UTF_8));
    }
    List<Path> keys;
    try (var s = Files.list(keysDir)) {
      keys = s.filter(Files::isRegularFile).sorted().toList();
    }
    int installed = 0;
    for (Path k : keys) {
      String name = k.getFileName().toString();
      if (!fingerprints.isEmpty() && fingerprints.stream().noneMatch(f -> f.replace(":", "").equals(name))) {
        continue;
      }
      Path dest = ssh.resolve("id_" + name);
      volume.write(dest, Files.readAllBytes(k), PosixFilePermissions.fromString("rw-------"));
      config.append("IdentityFile ").append(dest).append('\n');
      installed++;
    }
    if (installed > 0) {
      volume.write(ssh.resolve("config"), config.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
          PosixFilePermissions.fromString("rw-------"));
    }
    log.accept("add_ssh_keys: installed " + installed + " key(s) in " + ssh);
    for (String f : fingerprints) {
      if (!Files.exists(keysDir.resolve(f.replace(":", "")))) {
        log.accept("add_ssh_keys: no key with fingerprint " + f);
      }
    }
  }
}
