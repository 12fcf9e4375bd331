package dev.circlet.runner.steps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Consumer;

/** add_ssh_keys: installs the keys named by fingerprint from the agent's key directory into ~/.ssh. */
public final class SshKeys {
  private SshKeys() {}

  public static void install(Path keysDir, Path home, List<String> fingerprints, Consumer<String> log)
      throws IOException {
    if (keysDir == null || !Files.isDirectory(keysDir)) {
      log.accept("add_ssh_keys: no SSH keys were given to this build; using whatever keys ~/.ssh already holds");
      return;
    }
    Path ssh = Files.createDirectories(home.resolve(".ssh"));
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
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
      Files.copy(k, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(ssh.resolve("config"), "IdentityFile " + dest + "\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      installed++;
    }
    log.accept("add_ssh_keys: installed " + installed + " key(s) in " + ssh);
    for (String f : fingerprints) {
      if (!Files.exists(keysDir.resolve(f.replace(":", "")))) {
        log.accept("add_ssh_keys: no key with fingerprint " + f);
      }
    }
  }
}
