package dev.circlet.runner.local;

import dev.circlet.config.model.ContainerImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The container-engine command lines of one job node, shaped like its build pod: a network of its
 * own; the primary image runs the shim ({@code /bin/sh <shim>/bin/circlet-shim <shim>}) with the
 * node's directory mounted at the same path, so the agent and the steps name the same files; the
 * service containers join the primary's network namespace, so they answer on {@code localhost}
 * as in a pod, and their names resolve to it. Docker and Podman take the same arguments.
 */
public final class EngineCommands {
  /**
   * One node to start.
   *
   * @param name the primary container's name; the network and the services derive theirs from it
   * @param images the executor's images: the primary first, then the services
   * @param nodeDir mounted at its own path: HOME, the shim directory and moved working directories live there
   * @param mounts moved directories also mounted at the path the config names
   * @param hostUser {@code uid:gid} used when the primary image names no user, so files stay the user's
   */
  public record Node(String name, List<ContainerImage> images, Path nodeDir, Path shimDir, Path home,
      List<SandboxPaths.Mount> mounts, String hostUser) {}

  private final String exe;
  private final boolean podman;

  /** @param exe the engine's executable (a path or a name on PATH) */
  public EngineCommands(String exe) {
    this.exe = exe;
    String base = Path.of(exe).getFileName().toString();
    this.podman = base.startsWith("podman");
  }

  public List<String> probe() {
    return List.of(exe, "info");
  }

  public List<String> imagePresent(String image) {
    return List.of(exe, "image", "inspect", image);
  }

  public List<String> pull(String image) {
    return List.of(exe, "pull", image);
  }

  public static String network(Node n) {
    return n.name() + "-net";
  }

  public static String serviceName(Node n, int i) {
    return n.name() + "-svc-" + i;
  }

  public List<String> createNetwork(Node n) {
    return List.of(exe, "network", "create", network(n));
  }

  public List<String> primary(Node n) {
    ContainerImage img = n.images().get(0);
    List<String> c = new ArrayList<>(List.of(exe, "run", "-d", "--name", n.name(), "--network", network(n)));
    for (int i = 1; i < n.images().size(); i++) {
      String alias = n.images().get(i).name();
      if (alias != null && !alias.isBlank()) {
        c.addAll(List.of("--add-host", alias + ":127.0.0.1"));
      }
    }
    c.addAll(List.of("-v", n.nodeDir() + ":" + n.nodeDir()));
    for (SandboxPaths.Mount m : n.mounts()) {
      c.addAll(List.of("-v", m.host() + ":" + m.container()));
    }
    c.addAll(List.of("-e", "HOME=" + n.home(), "-w", n.home().toString()));
    if (img.user() != null && !img.user().isBlank()) {
      c.addAll(List.of("--user", img.user()));
    } else if (n.hostUser() != null) {
      if (podman) {
        c.addAll(List.of("--userns", "keep-id"));
      }
      c.addAll(List.of("--user", n.hostUser()));
    }
    c.addAll(List.of("--entrypoint", "/bin/sh", img.image(),
        n.shimDir().resolve("bin/circlet-shim").toString(), n.shimDir().toString()));
    return c;
  }

  /** The i-th image (i ≥ 1) as a service container in the primary's network namespace. */
  public List<String> service(Node n, int i) {
    ContainerImage img = n.images().get(i);
    List<String> c = new ArrayList<>(List.of(exe, "run", "-d", "--name", serviceName(n, i),
        "--network", "container:" + n.name()));
    Map<String, String> env = img.environment() == null ? Map.of() : img.environment();
    env.forEach((k, v) -> c.addAll(List.of("-e", k + "=" + v)));
    if (img.user() != null && !img.user().isBlank()) {
      c.addAll(List.of("--user", img.user()));
    }
    List<String> args = new ArrayList<>();
    if (img.entrypoint() != null && !img.entrypoint().isEmpty()) {
      c.addAll(List.of("--entrypoint", img.entrypoint().get(0)));
      args.addAll(img.entrypoint().subList(1, img.entrypoint().size()));
    }
    c.add(img.image());
    c.addAll(args);
    if (img.command() != null) {
      c.addAll(img.command());
    }
    return c;
  }

  /** Prints {@code true} while the primary runs. */
  public List<String> running(Node n) {
    return List.of(exe, "inspect", "-f", "{{.State.Running}}", n.name());
  }

  public List<String> logs(Node n) {
    return List.of(exe, "logs", n.name());
  }

  public List<String> waitFor(Node n) {
    return List.of(exe, "wait", n.name());
  }

  /** Removes the node's containers (services first), running or not. */
  public List<String> remove(Node n) {
    List<String> c = new ArrayList<>(List.of(exe, "rm", "-f"));
    for (int i = n.images().size() - 1; i >= 1; i--) {
      c.add(serviceName(n, i));
    }
    c.add(n.name());
    return c;
  }

  public List<String> removeNetwork(Node n) {
    return List.of(exe, "network", "rm", network(n));
  }

  /** A container name from free text: letters, digits, {@code _ . -}, starting with a letter or digit. */
  public static String containerName(String s) {
    String n = s.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
    return n.isEmpty() ? "job" : n.length() > 100 ? n.substring(0, 100) : n;
  }
}
