package dev.circlet.kubetest.node;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link ProcessNode} until the JVM is stopped (test and development only):
 *
 * <pre>
 * java -cp kube-test.jar:… dev.circlet.kubetest.node.ProcessNodeMain --kubeconfig FILE --name NODE
 *     --pool POOL --work-dir DIR [--images FILE] [--taint key=value:Effect]… [--cpu 4] [--memory 8Gi]
 *     [--max-pods 20] [--host-container primary]… [--token-refresh-after PT2M]
 * </pre>
 *
 * The image map file (format in {@link ImageMap}) is tried before the built-in runner entry.
 * SIGTERM marks the node NotReady and ends its processes.
 */
public final class ProcessNodeMain {
  private ProcessNodeMain() {}

  public static void main(String[] args) throws Exception {
    ProcessNodeConfig config;
    Path kubeconfig;
    try {
      Map<String, List<String>> opt = options(args);
      kubeconfig = Path.of(required(opt, "kubeconfig"));
      config = config(opt);
    } catch (IllegalArgumentException e) {
      System.err.println("process-node: " + e.getMessage());
      System.err.println("usage: ProcessNodeMain --kubeconfig FILE --name NODE --pool POOL --work-dir DIR"
          + " [--images FILE] [--taint key=value:Effect]... [--cpu N] [--memory Q] [--max-pods N]"
          + " [--host-container NAME]... [--token-refresh-after DURATION]");
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    ProcessNode node = ProcessNode.start(client, config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      client.close();
      stopped.countDown();
    }, "process-node-stop"));
    System.err.println("process node " + node.name() + " running; pods in " + config.workDir().resolve("pods"));
    stopped.await();
  }

  static ProcessNodeConfig config(Map<String, List<String>> opt) {
    ImageMap images = ProcessNodeConfig.defaultImages();
    if (opt.containsKey("images")) {
      try {
        images = ImageMap.read(Path.of(one(opt, "images"))).then(images);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the image map " + one(opt, "images") + ": " + e.getMessage());
      }
    }
    List<Taint> taints = new ArrayList<>();
    for (String t : opt.getOrDefault("taint", List.of())) {
      taints.add(taint(t));
    }
    Set<String> host = opt.containsKey("host-container") ? Set.copyOf(opt.get("host-container"))
        : Set.of(ProcessNodeConfig.PRIMARY);
    int maxPods;
    try {
      maxPods = Integer.parseInt(opt.getOrDefault("max-pods", List.of("20")).get(0));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--max-pods must be a number");
    }
    return new ProcessNodeConfig(required(opt, "name"), required(opt, "pool"), Map.of(), taints,
        opt.getOrDefault("cpu", List.of("4")).get(0), opt.getOrDefault("memory", List.of("8Gi")).get(0), maxPods,
        Path.of(required(opt, "work-dir")).toAbsolutePath(), images, host, Duration.ofSeconds(10),
        opt.containsKey("token-refresh-after") ? new TokenRefresh(duration(one(opt, "token-refresh-after")))
            : TokenRefresh.KUBELET);
  }

  /** An ISO-8601 duration ({@code PT2M}) or a number of seconds. */
  static Duration duration(String s) {
    try {
      return s.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(s)) : Duration.parse(s);
    } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException("--token-refresh-after must be seconds or an ISO-8601 duration like PT2M,"
          + " got " + s);
    }
  }

  /** {@code key=value:Effect} or {@code key:Effect}. */
  static Taint taint(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("taint must be key=value:Effect, got " + s);
    }
    String effect = s.substring(colon + 1);
    if (!List.of("NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect)) {
      throw new IllegalArgumentException("taint effect must be NoSchedule, PreferNoSchedule or NoExecute, got " + s);
    }
    String kv = s.substring(0, colon);
    int eq = kv.indexOf('=');
    return new Taint(effect, eq < 0 ? kv : kv.substring(0, eq), null, eq < 0 ? null : kv.substring(eq + 1));
  }

  static Map<String, List<String>> options(String[] args) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option VALUE, got " + args[i]);
      }
      m.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
    }
    return m;
  }

  private static String one(Map<String, List<String>> opt, String key) {
    return opt.get(key).get(opt.get(key).size() - 1);
  }

  private static String required(Map<String, List<String>> opt, String key) {
    if (!opt.containsKey(key)) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return one(opt, key);
  }
}
