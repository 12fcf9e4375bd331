package dev.circlet.kubetest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The temporary data directory of one control plane: its layout (pki, logs, etcd data, kwok
 * config, kubeconfig), its preparation and its removal.
 */
final class ControlPlaneDirectory {

  private final Path root;

  private ControlPlaneDirectory(Path root) {
    this.root = root;
  }

  /** A new empty directory {@code circlet-kube-*} in the system's temporary directory. */
  static ControlPlaneDirectory createTemp() {
    try {
      return new ControlPlaneDirectory(Files.createTempDirectory("circlet-kube-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path root() {
    return root;
  }

  Path pki() {
    return root.resolve("pki");
  }

  Path logs() {
    return root.resolve("logs");
  }

  Path etcdData() {
    return root.resolve("etcd");
  }

  Path kwokConfig() {
    return root.resolve("kwok.yaml");
  }

  Path kubeconfig() {
    return root.resolve("kubeconfig");
  }

  /** Creates the sub-directories and records the JVM's pid as the owner. */
  void prepare() throws IOException {
    Files.createDirectories(pki());
    Files.createDirectories(logs());
    Files.createDirectories(etcdData());
    Files.writeString(root.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
  }

  /** Writes kwok's pod stages (the {@code kwok-stages.yaml} resource) to {@link #kwokConfig()}. */
  void writeKwokConfig() throws IOException {
    Files.writeString(kwokConfig(), resource("kwok-stages.yaml"));
  }

  /** Tells the watchdog to leave the directory in place (best effort). */
  void markKept() {
    try {
      Files.writeString(root.resolve("keep"), "");
    } catch (IOException ignored) {
      // best effort
    }
  }

  /** Deletes the directory and everything in it (best effort). */
  void delete() {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ControlPlaneDirectory.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
