package dev.circlet.kubetest;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  /** The Node objects of this pool, annotated so that kwok manages them. */
  public List<Node> toNodes() {
    List<Node> out = new ArrayList<>();
    String arch = labels.getOrDefault(ARCH_LABEL, "amd64");
    Map<String, Quantity> resources = new LinkedHashMap<>();
    resources.put("cpu", new Quantity(cpu));
    resources.put("memory", new Quantity(memory));
    resources.put("pods", new Quantity("110"));
    resources.put("ephemeral-storage", new Quantity("100Gi"));
    for (int i = 0; i < nodes; i++) {
      String nodeName = name + "-" + i;
      Map<String, String> nodeLabels = new LinkedHashMap<>();
      nodeLabels.put("type", "kwok");
      nodeLabels.put(POOL_LABEL, name);
      nodeLabels.put("kubernetes.io/hostname", nodeName);
      nodeLabels.put("kubernetes.io/os", "linux");
      nodeLabels.put(ARCH_LABEL, arch);
      nodeLabels.putAll(labels);
      Node node = new NodeBuilder()
          .withNewMetadata()
            .withName(nodeName)
            .withLabels(nodeLabels)
            .withAnnotations(Map.of(KubeControlPlane.KWOK_NODE_ANNOTATION, "fake", "node.alpha.kubernetes.io/ttl", "0"))
          .endMetadata()
          .withNewSpec()
            .withTaints(taints)
          .endSpec()
          .withNewStatus()
            .withCapacity(resources)
            .withAllocatable(resources)
            .withNewNodeInfo()
              .withArchitecture(arch)
              .withOperatingSystem("linux")
              .withKubeletVersion("kwok")
              .withContainerRuntimeVersion("kwok")
              .withKernelVersion("kwok")
              .withOsImage("kwok")
              .withKubeProxyVersion("")
              .withBootID("")
              .withMachineID("")
              .withSystemUUID("")
            .endNodeInfo()
          .endStatus()
          .build();
      out.add(node);
    }
    return out;
  }
}
