package dev.circlet.kubetest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the test control plane (etcd, kube-apiserver, controller manager, scheduler, kwok) until the
 * JVM is stopped, for {@code hack/dev-up} (development and test only):
 *
 * <pre>
 * java -cp kube-test.jar:… dev.circlet.kubetest.ControlPlaneMain KUBECONFIG_FILE [--crds DIR]
 *     [--apply FILE]… [--service-account-kubeconfig NAMESPACE/NAME=FILE]…
 * </pre>
 *
 * The CRDs under DIR are applied and awaited (Established), then every object of each FILE in
 * order (server-side apply); each {@code --service-account-kubeconfig} writes a kubeconfig that
 * authenticates as that ServiceAccount with its own token (TokenRequest), for a component that
 * must run with exactly the RBAC the applied files grant. Only then is the admin kubeconfig
 * written to KUBECONFIG_FILE (atomically), so a launcher that waits for that file finds the
 * cluster ready to use. No simulated node pools are created: builds run on process nodes.
 * SIGTERM stops every component and removes the control plane's data directory.
 */
public final class ControlPlaneMain {
  private ControlPlaneMain() {}

  public static void main(String[] args) throws Exception {
    Path target;
    Path crds = null;
    List<Path> apply = new ArrayList<>();
    Map<String, Path> serviceAccountConfigs = new LinkedHashMap<>();
    try {
      if (args.length == 0 || args[0].startsWith("--")) {
        throw new IllegalArgumentException("the kubeconfig file to write comes first");
      }
      target = Path.of(args[0]).toAbsolutePath();
      for (int i = 1; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        switch (args[i]) {
          case "--crds" -> crds = Path.of(args[i + 1]);
          case "--apply" -> apply.add(Path.of(args[i + 1]));
          case "--service-account-kubeconfig" -> {
            String v = args[i + 1];
            int eq = v.indexOf('=');
            String account = eq < 0 ? "" : v.substring(0, eq);
            if (!account.matches("[a-z0-9.-]+/[a-z0-9.-]+") || eq == v.length() - 1) {
              throw new IllegalArgumentException("--service-account-kubeconfig takes NAMESPACE/NAME=FILE, not " + v);
            }
            serviceAccountConfigs.put(account, Path.of(v.substring(eq + 1)).toAbsolutePath());
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("control-plane: " + e.getMessage());
      System.err.println("usage: ControlPlaneMain KUBECONFIG_FILE [--crds DIR] [--apply FILE]..."
          + " [--service-account-kubeconfig NAMESPACE/NAME=FILE]...");
      System.exit(2);
      return;
    }
    KubeControlPlane cp = KubeControlPlane.start(List.of());
    if (crds != null) {
      System.err.println("applied CRDs " + cp.applyCrds(crds));
    }
    for (Path file : apply) {
      apply(cp.client(), file);
    }
    for (Map.Entry<String, Path> e : serviceAccountConfigs.entrySet()) {
      String[] account = e.getKey().split("/");
      writeAtomically(e.getValue(), serviceAccountKubeconfig(cp, account[0], account[1]));
      System.err.println("kubeconfig of ServiceAccount " + e.getKey() + ": " + e.getValue());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // KubeControlPlane registers its own shutdown hook that stops the processes; this one only ends main.
    Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "control-plane-main-stop"));
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.copy(cp.kubeconfigPath(), tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.err.println("control plane running: " + cp.masterUrl() + ", kubeconfig " + target);
    stopped.await();
  }

  /** Token lifetime: longer than any development session or test run, as a mounted token is refreshed. */
  private static final long TOKEN_SECONDS = 7L * 24 * 3600;

  /**
   * A kubeconfig for the ServiceAccount (which the applied files must have created), with a token of
   * its own from the TokenRequest API: requests with it carry exactly that account's RBAC.
   */
  static String serviceAccountKubeconfig(KubeControlPlane cp, String namespace, String name) {
    var token = cp.client().serviceAccounts().inNamespace(namespace).withName(name)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(TOKEN_SECONDS).endSpec().build());
    String ca = Base64.getEncoder().encodeToString(cp.caCertPem().getBytes(StandardCharsets.UTF_8));
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: kube-test
            cluster: {server: "%s", certificate-authority-data: %s}
        users:
          - name: %s
            user: {token: "%s"}
        contexts:
          - name: %s
            context: {cluster: kube-test, user: %s, namespace: %s}
        current-context: %s
        """.formatted(cp.masterUrl(), ca, name, token.getStatus().getToken(), name, name, namespace, name);
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Server-side applies every object of one YAML file, in the file's order. */
  static void apply(KubernetesClient client, Path file) throws IOException {
    List<HasMetadata> items;
    try (InputStream in = Files.newInputStream(file)) {
      items = client.load(in).items();
    }
    for (HasMetadata item : items) {
      client.resource(item).fieldManager("circlet-dev").forceConflicts().serverSideApply();
      System.err.println("applied " + item.getKind() + " " + item.getMetadata().getName() + " from " + file);
    }
  }
}
