package dev.circlet.kubetest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts each component of the control plane with its command line: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and kwok, on random free loopback ports, and knows the
 * URLs under which they answer.
 */
final class ComponentLauncher {

  private final Path binDir;
  private final ControlPlaneDirectory dir;
  private final ControlPlanePki pki;
  private final ControlPlaneProcesses processes;
  private int etcdPort;
  private int etcdPeerPort;
  private int apiserverPort;
  private int controllerManagerPort;
  private int schedulerPort;

  ComponentLauncher(Path binDir, ControlPlaneDirectory dir, ControlPlanePki pki, ControlPlaneProcesses processes) {
    this.binDir = binDir;
    this.dir = dir;
    this.pki = pki;
    this.processes = processes;
  }

  /** Picks the five ports (etcd client and peer, apiserver, controller manager, scheduler). */
  void allocatePorts() throws IOException {
    int[] ports = freePorts(5);
    etcdPort = ports[0];
    etcdPeerPort = ports[1];
    apiserverPort = ports[2];
    controllerManagerPort = ports[3];
    schedulerPort = ports[4];
  }

  /** {@code http://127.0.0.1:<port>} */
  String etcdUrl() {
    return "http://127.0.0.1:" + etcdPort;
  }

  /** {@code https://127.0.0.1:<port>} */
  String apiserverUrl() {
    return "https://127.0.0.1:" + apiserverPort;
  }

  String controllerManagerHealthUrl() {
    return "https://127.0.0.1:" + controllerManagerPort + "/healthz";
  }

  String schedulerHealthUrl() {
    return "https://127.0.0.1:" + schedulerPort + "/healthz";
  }

  ManagedProcess startEtcd() throws IOException {
    return processes.spawn("etcd", List.of(bin("etcd"),
        "--name=circlet",
        "--data-dir=" + dir.etcdData(),
        "--listen-client-urls=http://127.0.0.1:" + etcdPort,
        "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
        "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort,
        "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
        "--initial-cluster=circlet=http://127.0.0.1:" + etcdPeerPort,
        "--unsafe-no-fsync=true",
        "--log-level=warn"));
  }

  ManagedProcess startApiserver() throws IOException {
    return processes.spawn("kube-apiserver", List.of(bin("kube-apiserver"),
        "--etcd-servers=http://127.0.0.1:" + etcdPort,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        "--secure-port=" + apiserverPort,
        "--cert-dir=" + pki.apiserverCertDir(),
        "--token-auth-file=" + pki.tokenFile(),
        "--authorization-mode=RBAC",
        "--service-account-issuer=" + KubeControlPlane.SERVICE_ACCOUNT_ISSUER,
        "--service-account-key-file=" + pki.serviceAccountPublicKey(),
        "--service-account-signing-key-file=" + pki.serviceAccountPrivateKey(),
        "--service-cluster-ip-range=" + KubeControlPlane.SERVICE_CLUSTER_IP_RANGE,
        // node readiness is kwok's business; no not-ready taint on new nodes (see the KCM's controllers)
        "--disable-admission-plugins=TaintNodesByCondition",
        "--endpoint-reconciler-type=none",
        "--enable-priority-and-fairness=false",
        "--allow-privileged=true",
        "--profiling=false",
        "--event-ttl=15m"));
  }

  ManagedProcess startControllerManager(Path kubeconfig) throws IOException {
    return processes.spawn("kube-controller-manager", kubeClientComponent("kube-controller-manager", kubeconfig,
        controllerManagerPort,
        "--cluster-name=circlet",
        // every default controller except node lifecycle: kwok nodes are Ready or gone
        "--controllers=*,-node-lifecycle-controller",
        "--service-account-private-key-file=" + pki.serviceAccountPrivateKey(),
        "--root-ca-file=" + pki.caFile(),
        "--use-service-account-credentials=false",
        "--profiling=false"));
  }

  ManagedProcess startScheduler(Path kubeconfig) throws IOException {
    return processes.spawn("kube-scheduler", kubeClientComponent("kube-scheduler", kubeconfig, schedulerPort,
        "--profiling=false"));
  }

  /**
   * The command line of kube-controller-manager or kube-scheduler: the admin kubeconfig for the API
   * and for checking its own callers, a loopback serving port with a self-signed certificate, no
   * leader election, then {@code extraFlags}.
   */
  private List<String> kubeClientComponent(String name, Path kubeconfig, int port, String... extraFlags) {
    String kc = kubeconfig.toString();
    List<String> command = new ArrayList<>(List.of(bin(name),
        "--kubeconfig=" + kc,
        "--authentication-kubeconfig=" + kc,
        "--authorization-kubeconfig=" + kc,
        "--bind-address=127.0.0.1",
        "--secure-port=" + port,
        "--cert-dir=" + pki.certDir(name),
        // the apiserver has no client CA or request-header config: nothing to look up
        "--authentication-skip-lookup=true",
        "--leader-elect=false"));
    command.addAll(List.of(extraFlags));
    return command;
  }

  /** kwok manages only the nodes annotated {@value KubeControlPlane#KWOK_NODE_ANNOTATION}{@code =fake}. */
  ManagedProcess startKwok(Path kubeconfig) throws IOException {
    return processes.spawn("kwok", List.of(bin("kwok"),
        "--kubeconfig=" + kubeconfig,
        "--config=" + dir.kwokConfig(),
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=" + KubeControlPlane.KWOK_NODE_ANNOTATION + "=fake",
        "--cidr=" + KubeControlPlane.POD_CIDR,
        "--node-ip=10.240.0.1"));
  }

  private String bin(String name) {
    return binDir.resolve(name).toString();
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
