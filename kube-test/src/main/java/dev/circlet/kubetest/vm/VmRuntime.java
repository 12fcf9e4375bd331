package dev.circlet.kubetest.vm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A KubeVirt stand-in for tests, next to the process node: watches the VirtualMachineInstances
 * of a namespace and "boots" each by writing its cloud-init {@code write_files} under a directory
 * of its own and starting the runner agent ({@code circlet-agent machine}) as a local process
 * with them. It reports the VMI as virt-handler would (Scheduled with a node and an interface
 * address, then Running and Ready once the agent is up), writes the agent's job summary to the
 * VMI's {@code ci.circlet.dev/agent-summary} annotation and phase Succeeded when the agent exits,
 * and stops the process when the VMI is deleted. Each VM gets its own loopback address
 * (127.x.y.z), so every agent can listen on the same port.
 */
public final class VmRuntime implements AutoCloseable {
  static final String SUMMARY = "ci.circlet.dev/agent-summary";
  static final String SETTINGS = "etc/circlet/machine.env";
  static final int AGENT_PORT = 7077;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One booted VM: its directory, address and agent process (null for a VM that never boots). */
  record Vm(String name, Path root, String ip, Process process, Instant created) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String nodeName;
  private final Path work;
  private final Predicate<GenericKubernetesResource> neverReady;
  private final Map<String, Vm> vms = new ConcurrentHashMap<>();
  private final ScheduledExecutorService worker;
  private final AtomicInteger booted = new AtomicInteger();
  private final int net = ThreadLocalRandom.current().nextInt(100, 250);
  private final AtomicInteger nextHost = new AtomicInteger(1);
  private SharedIndexInformer<GenericKubernetesResource> informer;

  private VmRuntime(KubernetesClient client, String namespace, String nodeName, Path work,
      Predicate<GenericKubernetesResource> neverReady) {
    this.client = client;
    this.namespace = namespace;
    this.nodeName = nodeName;
    this.work = work;
    this.neverReady = neverReady;
    this.worker = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("vm-runtime-", 0).factory());
  }

  /**
   * Starts the runtime for the VMIs of {@code namespace}.
   *
   * @param neverReady VMIs that are scheduled but never boot (a broken image, say)
   */
  public static VmRuntime start(KubernetesClient client, String namespace, String nodeName, Path work,
      Predicate<GenericKubernetesResource> neverReady) throws IOException {
    Files.createDirectories(work);
    VmRuntime r = new VmRuntime(client, namespace, nodeName, work, neverReady);
    r.informer = r.vmis().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource vmi) {
        r.worker.execute(() -> r.boot(vmi.getMetadata().getName(), 0));
      }

      @Override
      public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource vmi) {
        if (vmi.getMetadata().getDeletionTimestamp() != null) {
          r.worker.execute(() -> r.stop(vmi.getMetadata().getName()));
        }
      }

      @Override
      public void onDelete(GenericKubernetesResource vmi, boolean unknown) {
        r.worker.execute(() -> r.stop(vmi.getMetadata().getName()));
      }
    });
    return r;
  }

  /** VMs booted so far (agents started). */
  public int booted() {
    return booted.get();
  }

  /** Agents running now. */
  public int running() {
    return (int) vms.values().stream().filter(v -> v.process() != null && v.process().isAlive()).count();
  }

  private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> vmis() {
    return client.genericKubernetesResources("kubevirt.io/v1", "VirtualMachineInstance").inNamespace(namespace);
  }

  private void boot(String name, int tries) {
    if (vms.containsKey(name)) {
      return;
    }
    GenericKubernetesResource vmi = vmis().withName(name).get();
    if (vmi == null || vmi.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    if (neverReady.test(vmi)) {
      vms.put(name, new Vm(name, null, null, null, Instant.now()));
      report(name, status("Scheduled", null, false));
      return;
    }
    String userData = userData(vmi);
    if (userData == null) {
      // The operator writes the Secret right after the VMI; KubeVirt, too, waits for it.
      if (tries < 600) {
        worker.schedule(() -> boot(name, tries + 1), 100, TimeUnit.MILLISECONDS);
      }
      return;
    }
    try {
      Path root = Files.createDirectories(work.resolve(name));
      writeFiles(root, userData);
      String ip = address();
      Files.writeString(root.resolve(SETTINGS), "CIRCLET_MACHINE_LISTEN=" + ip + ":" + AGENT_PORT + "\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
      Process p = agent(root);
      vms.put(name, new Vm(name, root, ip, p, Instant.now()));
      booted.incrementAndGet();
      report(name, status("Scheduled", ip, false));
      worker.execute(() -> awaitReady(name, root.resolve("var/lib/circlet/agent.ready"), p));
      p.onExit().thenRun(() -> worker.execute(() -> exited(name, root)));
    } catch (IOException | RuntimeException e) {
      System.err.println("vm-runtime: cannot boot " + name + ": " + e);
      report(name, Map.of("phase", "Failed", "reason", "BootFailed", "nodeName", nodeName));
    }
  }

  private String userData(GenericKubernetesResource vmi) {
    String secret = cloudInitSecret(vmi);
    Secret s = secret == null ? null : client.secrets().inNamespace(namespace).withName(secret).get();
    if (s == null) {
      return null;
    }
    if (s.getData() != null && s.getData().get("userdata") != null) {
      return new String(Base64.getDecoder().decode(s.getData().get("userdata")), StandardCharsets.UTF_8);
    }
    return s.getStringData() == null ? null : s.getStringData().get("userdata");
  }

  @SuppressWarnings("unchecked")
  static String cloudInitSecret(GenericKubernetesResource vmi) {
    Object spec = vmi.getAdditionalProperties().get("spec");
    if (!(spec instanceof Map<?, ?> m) || !(m.get("volumes") instanceof List<?> volumes)) {
      return null;
    }
    for (Object v : volumes) {
      if (v instanceof Map<?, ?> vol && vol.get("cloudInitNoCloud") instanceof Map<?, ?> ci
          && ci.get("secretRef") instanceof Map<?, ?> ref) {
        return (String) ((Map<String, Object>) ref).get("name");
      }
    }
    return null;
  }

  /** cloud-init's {@code write_files}, under the VM's root; plain or {@code b64} content. */
  static void writeFiles(Path root, String userData) throws IOException {
    if (!userData.startsWith("#cloud-config")) {
      throw new IOException("user data is not #cloud-config");
    }
    Map<?, ?> doc = YAML.readValue(userData, Map.class);
    Object files = doc == null ? null : doc.get("write_files");
    if (!(files instanceof List<?> list)) {
      return;
    }
    for (Object o : list) {
      Map<?, ?> f = (Map<?, ?>) o;
      String path = String.valueOf(f.get("path"));
      if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
        throw new IOException("write_files path " + path + " is not an absolute path inside the VM");
      }
      String content = f.get("content") == null ? "" : String.valueOf(f.get("content"));
      byte[] bytes = "b64".equals(f.get("encoding")) || "base64".equals(f.get("encoding"))
          ? Base64.getDecoder().decode(content) : content.getBytes(StandardCharsets.UTF_8);
      Path target = root.resolve(path.substring(1)).normalize();
      if (!target.startsWith(root)) {
        throw new IOException("write_files path " + path + " leaves the VM");
      }
      Files.createDirectories(target.getParent());
      Files.write(target, bytes);
    }
  }

  /** A loopback address of its own for the VM, where nothing listens on the agent's port yet. */
  private String address() throws IOException {
    for (int i = 0; i < 50; i++) {
      int h = nextHost.getAndIncrement();
      String ip = "127." + net + "." + (h / 250) + "." + (h % 250 + 1);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getByName(ip), AGENT_PORT));
        return ip;
      } catch (IOException taken) {
        // another VM (of this or another test run) has it: the next one
      }
    }
    throw new IOException("no free loopback address for a VM");
  }

  private Process agent(Path root) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small, quick-starting JVM: the agent mostly waits on its steps.
    // The first agent records a class-data archive that the later ones map: a quicker start.
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
        "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + work.resolve("agent.jsa"),
        "-cp", System.getProperty("java.class.path"), "dev.circlet.runner.AgentMain", "machine",
        "--settings", root.resolve(SETTINGS).toString(), "--root", root.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("CIRCLET_") || k.startsWith("AWS_")
        || k.startsWith("KUBE"));
    pb.environment().put("HOME", root.resolve("home/circleci").toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(root.resolve("console.log").toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return pb.start();
  }

  private void awaitReady(String name, Path ready, Process p) {
    if (Files.exists(ready)) {
      report(name, status("Running", vms.get(name).ip(), true));
    } else if (p.isAlive() && vms.containsKey(name)) {
      worker.schedule(() -> awaitReady(name, ready, p), 20, TimeUnit.MILLISECONDS);
    }
  }

  private void exited(String name, Path root) {
    if (!vms.containsKey(name)) {
      return;
    }
    Path summary = root.resolve("var/lib/circlet/summary.json");
    Map<String, Object> status = new LinkedHashMap<>(status("Succeeded", vms.get(name).ip(), false));
    String text = null;
    try {
      text = Files.exists(summary) ? Files.readString(summary).strip() : null;
    } catch (IOException e) {
      // reported as no summary: the Build sees an agent that ended without one
    }
    String summaryText = text;
    edit(name, vmi -> {
      if (summaryText != null && !summaryText.isEmpty()) {
        vmi.getMetadata().getAnnotations().put(SUMMARY, summaryText);
      }
      vmi.getAdditionalProperties().put("status", status);
    });
  }

  private void stop(String name) {
    Vm vm = vms.remove(name);
    if (vm != null && vm.process() != null) {
      vm.process().descendants().forEach(ProcessHandle::destroyForcibly);
      vm.process().destroyForcibly();
    }
  }

  private Map<String, Object> status(String phase, String ip, boolean ready) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("phase", phase);
    s.put("nodeName", nodeName);
    if (ip != null) {
      s.put("interfaces", List.of(Map.of("name", "default", "ipAddress", ip)));
    }
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    s.put("conditions", List.of(Map.of("type", "Ready", "status", ready ? "True" : "False",
        "lastTransitionTime", now)));
    return s;
  }

  private void report(String name, Map<String, Object> status) {
    edit(name, vmi -> vmi.getAdditionalProperties().put("status", status));
  }

  /** A read-modify-write of the VMI (it has no status subresource), again on a conflict. */
  private void edit(String name, java.util.function.Consumer<GenericKubernetesResource> change) {
    for (int i = 0; i < 20; i++) {
      GenericKubernetesResource vmi = vmis().withName(name).get();
      if (vmi == null || vmi.getMetadata().getDeletionTimestamp() != null) {
        return;
      }
      if (vmi.getMetadata().getAnnotations() == null) {
        vmi.getMetadata().setAnnotations(new LinkedHashMap<>());
      }
      change.accept(vmi);
      try {
        vmis().resource(vmi).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return;
        }
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    for (String name : List.copyOf(vms.keySet())) {
      stop(name);
    }
    worker.shutdownNow();
  }
}
