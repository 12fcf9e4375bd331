package dev.circlet.kubetest;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.List;
import java.util.Map;

/**
 * A pool of identical kwok-simulated nodes named {@code <name>-0 .. <name>-(nodes-1)}, each
 * labelled {@code circlet.dev/pool=<name>} besides {@code labels}.
 *
 * @param cpu a quantity such as {@code "8"}
 * @param memory a quantity such as {@code "32Gi"}
 */
public record NodePool(String name, int nodes, Map<String, String> labels, List<Taint> taints, String cpu,
    String memory) {

  public static final String POOL_LABEL = "circlet.dev/pool";
  public static final String ARCH_LABEL = "kubernetes.io/arch";
  public static final String ARCH_TAINT = "circlet.dev/arch";

  public NodePool {
    if (nodes < 0) {
      throw new IllegalArgumentException("nodes must be >= 0");
    }
    labels = Map.copyOf(labels);
    taints = List.copyOf(taints);
  }

  /** {@code general}: 3 nodes, 8 CPU, 32Gi, amd64. */
  public static final NodePool GENERAL =
      new NodePool("general", 3, Map.of(ARCH_LABEL, "amd64"), List.of(), "8", "32Gi");

  /** {@code highcpu}: 2 nodes, 32 CPU, 64Gi, amd64. */
  public static final NodePool HIGHCPU =
      new NodePool("highcpu", 2, Map.of(ARCH_LABEL, "amd64"), List.of(), "32", "64Gi");

  /** {@code arm}: 2 nodes, 8 CPU, 32Gi, arm64, tainted {@code circlet.dev/arch=arm64:NoSchedule}. */
  public static final NodePool ARM = new NodePool("arm", 2, Map.of(ARCH_LABEL, "arm64"),
      List.of(new TaintBuilder().withKey(ARCH_TAINT).withValue("arm64").withEffect("NoSchedule").build()), "8",
      "32Gi");

  /** The pools every control plane starts with, matching Circlet's example ResourceClasses. */
  public static final List<NodePool> DEFAULTS = List.of(GENERAL, HIGHCPU, ARM);
}
