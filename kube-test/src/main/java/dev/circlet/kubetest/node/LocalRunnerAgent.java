package dev.circlet.kubetest.node;

import dev.circlet.runner.AgentMain;
import dev.circlet.runner.shim.ShimDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The runner image's {@code circlet-agent} on the process node, where a container's paths live
 * under its root of links ({@value ContainerLauncher#ROOT_ENV}) instead of at fixed places:
 *
 * <ul>
 *   <li>{@code pod} gets HOME, the clone credentials and the contexts as options under that root
 *       (options the pod names itself still win), and keeps its temporary files beside it;
 *   <li>{@code install DIR} installs the shim so that it writes the job summary to the
 *       termination-message file under the primary container's root rather than the host's
 *       {@code /dev/termination-log}, which no process of its own can have.
 * </ul>
 *
 * Every other use passes through to the agent unchanged.
 */
public final class LocalRunnerAgent {
  static final String TERMINATION_LOG = "/dev/termination-log";

  private LocalRunnerAgent() {}

  public static void main(String[] args) {
    if (args.length == 2 && "install".equals(args[0])) {
      try {
        install(Path.of(args[1]));
      } catch (IOException e) {
        System.err.println("circlet-agent: " + e.getMessage());
        System.exit(2);
      }
      return;
    }
    String root = System.getenv(ContainerLauncher.ROOT_ENV);
    if (root != null && !root.isEmpty()) {
      // the agent's private temporary files (checkout, pod-local store) go with the pod's directory
      Path tmp = Path.of(root).resolveSibling("tmp");
      try {
        Files.createDirectories(tmp);
        System.setProperty("java.io.tmpdir", tmp.toString());
      } catch (IOException e) {
        System.err.println("circlet-agent: cannot create " + tmp + ", using " + System.getProperty("java.io.tmpdir"));
      }
    }
    AgentMain.main(arguments(args, root, System.getenv("HOME")));
  }

  /** The agent's install, with the shim's termination-message path under the running container's root. */
  static void install(Path dir) throws IOException {
    ShimDriver.install(dir);
    Path shim = dir.resolve("bin/circlet-shim");
    String text = Files.readString(shim, StandardCharsets.UTF_8);
    if (!text.contains(TERMINATION_LOG)) {
      throw new IOException("the shim no longer names " + TERMINATION_LOG + "; the process node cannot redirect it");
    }
    Files.writeString(shim, shimForProcessNode(text), StandardCharsets.UTF_8);
  }

  static String shimForProcessNode(String shim) {
    return shim.replace(TERMINATION_LOG, "\"${" + ContainerLauncher.ROOT_ENV + ":-}" + TERMINATION_LOG + "\"");
  }

  static String[] arguments(String[] args, String root, String home) {
    if (args.length == 0 || !"pod".equals(args[0]) || root == null || root.isEmpty()) {
      return args;
    }
    List<String> out = new ArrayList<>();
    out.add("pod");
    out.add("--home");
    out.add(home != null && !home.isEmpty() ? home : root + "/home/circleci");
    out.add("--clone");
    out.add(root + "/etc/circlet/clone");
    out.add("--contexts");
    out.add(root + "/etc/circlet/contexts");
    out.addAll(List.of(args).subList(1, args.length));
    return out.toArray(String[]::new);
  }
}
