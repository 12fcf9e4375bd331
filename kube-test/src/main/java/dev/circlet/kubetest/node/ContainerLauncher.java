package dev.circlet.kubetest.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one container of a pod into a local process: picks the command through the {@link
 * ImageMap} (or the container's own command, for host containers), resolves the environment,
 * links the volume mounts and the termination-message file, rewrites container paths and starts
 * it.
 */
final class ContainerLauncher {

  /** Why a container cannot start: a waiting reason as a kubelet reports it, with a message. */
  static final class StartError extends Exception {
    final String reason;

    StartError(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  /** The environment variable naming the container's root of links (the one variable a kubelet would not set). */
  static final String ROOT_ENV = "PROCESS_NODE_ROOT";

  private static final String DEFAULT_TERMINATION_PATH = "/dev/termination-log";

  private final ImageMap images;
  private final Set<String> hostContainers;
  private final PodEnvironment environment;
  private final Map<String, String> baseEnv;

  ContainerLauncher(ImageMap images, Set<String> hostContainers, PodEnvironment environment,
      Map<String, String> baseEnv) {
    this.images = images;
    this.hostContainers = Set.copyOf(hostContainers);
    this.environment = environment;
    this.baseEnv = Map.copyOf(baseEnv);
  }

  /** The container's directory: {@code root/} (links), {@code termination-log}. */
  static Path containerDir(Path podDir, String container) {
    return podDir.resolve("containers").resolve(container);
  }

  static Path logFile(Path podDir, String container) {
    return podDir.resolve("logs").resolve(container + ".log");
  }

  static Path terminationFile(Path podDir, String container) {
    return containerDir(podDir, container).resolve("termination-log");
  }

  /** The local command for the container, or a StartError naming why there is none. */
  ImageMap.Resolution resolution(Container c) throws StartError {
    if (hostContainers.contains(c.getName())) {
      return new ImageMap.RunOnHost();
    }
    return images.resolve(c.getImage()).orElseThrow(() -> new StartError("ErrImageNeverPull",
        "image \"" + c.getImage() + "\" of container \"" + c.getName() + "\" has no local command in the process"
            + " node's image map (" + images.source() + "); the process node never pulls images"));
  }

  /** Starts the container; the pod's volumes are in {@code volumes}. */
  ContainerProcess start(Pod pod, Container c, Path podDir, Map<String, Path> volumes, String hostIp)
      throws StartError, IOException {
    ImageMap.Resolution how = resolution(c);
    Map<String, String> env;
    try {
      env = environment.resolve(pod, c, hostIp);
    } catch (PodEnvironment.ConfigError e) {
      throw new StartError("CreateContainerConfigError", e.getMessage());
    }
    Path dir = containerDir(podDir, c.getName());
    Path termination = terminationFile(podDir, c.getName());
    Files.createDirectories(dir);
    Files.deleteIfExists(termination);
    Files.createFile(termination);
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
      Path volume = volumes.get(m.getName());
      if (volume == null) {
        throw new StartError("CreateContainerConfigError", "volume mount " + m.getName() + " names no volume");
      }
      mounts.put(m.getMountPath(), m.getSubPath() == null || m.getSubPath().isEmpty() ? volume
          : volume.resolve(m.getSubPath()));
    }
    String terminationPath = c.getTerminationMessagePath() == null ? DEFAULT_TERMINATION_PATH
        : c.getTerminationMessagePath();
    mounts.put(terminationPath, termination);
    ContainerPaths paths = new ContainerPaths(dir.resolve("root"), mounts);
    paths.link();

    List<String> command = expand(c.getCommand(), env);
    List<String> args = expand(c.getArgs(), env);
    List<String> argv = new ArrayList<>();
    if (how instanceof ImageMap.RunCommand(List<String> prefix)) {
      argv.addAll(prefix);
      argv.addAll(paths.rewrite(command.isEmpty() ? List.of() : command.subList(1, command.size())));
      argv.addAll(paths.rewrite(args));
    } else {
      if (command.isEmpty() && args.isEmpty()) {
        throw new StartError("CreateContainerError", "container \"" + c.getName() + "\" runs its image's entrypoint,"
            + " which the process node cannot know; give it a command or an image map entry");
      }
      argv.addAll(paths.rewrite(command));
      argv.addAll(paths.rewrite(args));
    }
    Map<String, String> processEnv = new LinkedHashMap<>(baseEnv);
    processEnv.put("HOSTNAME", pod.getMetadata().getName());
    env.forEach((k, v) -> processEnv.put(k, paths.rewrite(v)));
    processEnv.put(ROOT_ENV, paths.root().toString());
    Path cwd = paths.root();
    if (c.getWorkingDir() != null && !c.getWorkingDir().isEmpty()) {
      cwd = Path.of(paths.rewrite(c.getWorkingDir()));
      Files.createDirectories(cwd);
    }
    Path log = logFile(podDir, c.getName());
    Files.createDirectories(log.getParent());
    return ContainerProcess.start(argv, processEnv, cwd, log);
  }

  private static List<String> expand(List<String> values, Map<String, String> env) {
    if (values == null) {
      return List.of();
    }
    return values.stream().map(v -> PodEnvironment.expand(v, env)).toList();
  }
}
