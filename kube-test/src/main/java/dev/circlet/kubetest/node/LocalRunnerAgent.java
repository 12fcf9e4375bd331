package dev.circlet.kubetest.node;

import dev.circlet.runner.AgentMain;
import java.util.ArrayList;
import java.util.List;

/**
 * The runner image's {@code circlet-agent} on the process node. In a pod the agent finds HOME, the
 * clone credentials and the contexts at fixed container paths; here those live under the
 * container's root of links ({@value ContainerLauncher#ROOT_ENV}), so {@code pod} gets them as
 * options (options the pod names itself still win). Every other use passes through unchanged.
 */
public final class LocalRunnerAgent {
  private LocalRunnerAgent() {}

  public static void main(String[] args) {
    AgentMain.main(arguments(args, System.getenv(ContainerLauncher.ROOT_ENV), System.getenv("HOME")));
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
