package dev.circlet.kubetest.node;

import io.fabric8.kubernetes.api.model.Taint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link ProcessNode} presents itself and what it runs.
 *
 * @param pool value of the {@code circlet.dev/pool} label
 * @param labels further node labels
 * @param imageMap what each image runs; see {@link #defaultImages()} for the runner image
 * @param hostContainers names of containers that run their own command on the host whatever their
 *     image (the build pod's {@code primary}, which runs the shim with the host's shell)
 * @param heartbeat how often the Lease and the Ready condition are renewed
 * @param tokenRefresh when projected ServiceAccount tokens are requested again
 */
public record ProcessNodeConfig(
    String nodeName,
    String pool,
    Map<String, String> labels,
    List<Taint> taints,
    String cpu,
    String memory,
    int maxPods,
    Path workDir,
    ImageMap imageMap,
    Set<String> hostContainers,
    Duration heartbeat,
    TokenRefresh tokenRefresh) {

  public static final String POOL_LABEL = "circlet.dev/pool";
  /** The image pattern of Circlet's runner image (init container and agent sidecar). */
  public static final String RUNNER_IMAGE_PATTERN = "ghcr.io/circlet/runner*";
  /** The build pod's primary container. */
  public static final String PRIMARY = "primary";

  public ProcessNodeConfig {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(workDir, "workDir");
    labels = Map.copyOf(labels);
    taints = List.copyOf(taints);
    imageMap = imageMap == null ? defaultImages() : imageMap;
    hostContainers = Set.copyOf(hostContainers);
    tokenRefresh = tokenRefresh == null ? TokenRefresh.KUBELET : tokenRefresh;
    if (maxPods <= 0) {
      throw new IllegalArgumentException("maxPods must be positive");
    }
    if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive, got " + heartbeat);
    }
  }

  /** A node of {@code pool} with 4 CPUs, 8Gi, 20 pods, the default images and the primary on the host. */
  public static ProcessNodeConfig of(String nodeName, String pool, Path workDir) {
    return new ProcessNodeConfig(nodeName, pool, Map.of(), List.of(), "4", "8Gi", 20, workDir, defaultImages(),
        Set.of(PRIMARY), Duration.ofSeconds(10), TokenRefresh.KUBELET);
  }

  public ProcessNodeConfig withImages(ImageMap images) {
    return new ProcessNodeConfig(nodeName, pool, labels, taints, cpu, memory, maxPods, workDir, images,
        hostContainers, heartbeat, tokenRefresh);
  }

  public ProcessNodeConfig withTaints(List<Taint> more) {
    return new ProcessNodeConfig(nodeName, pool, labels, more, cpu, memory, maxPods, workDir, imageMap,
        hostContainers, heartbeat, tokenRefresh);
  }

  /** Renews the Lease and the Ready condition this often (tests of node loss use a short one). */
  public ProcessNodeConfig withHeartbeat(Duration every) {
    return new ProcessNodeConfig(nodeName, pool, labels, taints, cpu, memory, maxPods, workDir, imageMap,
        hostContainers, every, tokenRefresh);
  }

  /**
   * Requests projected tokens again this long after issue when that comes before 80% of their
   * lifetime (tests: the API server issues no token shorter than 10 minutes).
   */
  public ProcessNodeConfig withTokenRefreshAfter(Duration after) {
    return new ProcessNodeConfig(nodeName, pool, labels, taints, cpu, memory, maxPods, workDir, imageMap,
        hostContainers, heartbeat, new TokenRefresh(after));
  }

  /**
   * The runner image runs {@link LocalRunnerAgent} with this JVM's {@code java} and class path
   * (which holds the runner agent: kube-test depends on it).
   */
  public static ImageMap defaultImages() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    List<String> agent = List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", cp,
        LocalRunnerAgent.class.getName());
    return new ImageMap(List.of(new ImageMap.Entry(RUNNER_IMAGE_PATTERN, agent)), "built-in runner entry");
  }

  /** The node's labels: pool, hostname, os, arch ({@code amd64} unless given), {@code type=process}, then {@link #labels}. */
  public Map<String, String> nodeLabels() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("type", "process");
    out.put(POOL_LABEL, pool);
    out.put("kubernetes.io/hostname", nodeName);
    out.put("kubernetes.io/os", "linux");
    out.put("kubernetes.io/arch", "amd64");
    out.putAll(labels);
    return out;
  }
}
