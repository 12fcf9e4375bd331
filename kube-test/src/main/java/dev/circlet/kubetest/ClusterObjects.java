package dev.circlet.kubetest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Creates the objects a test cluster is set up with (kwok node pools, namespaces, CRDs) through
 * the admin client and waits until the cluster has acted on them.
 */
final class ClusterObjects {

  private final KubernetesClient client;
  private final ReadinessPoller poller;

  ClusterObjects(KubernetesClient client, ReadinessPoller poller) {
    this.client = client;
    this.poller = poller;
  }

  List<Node> createNodes(NodePool pool) {
    List<Node> created = new ArrayList<>();
    for (Node node : pool.toNodes()) {
      created.add(client.nodes().resource(node).create());
    }
    return created;
  }

  void awaitNodesReady(NodePool pool) {
    poller.await("kwok to make the " + pool.nodes() + " nodes of pool " + pool.name() + " Ready", () -> {
      List<Node> nodes = client.nodes().withLabel(NodePool.POOL_LABEL, pool.name()).list().getItems();
      return nodes.size() >= pool.nodes() && nodes.stream().allMatch(Readiness::isReady);
    }, "kwok");
  }

  void deleteNodes(String pool) {
    client.nodes().withLabel(NodePool.POOL_LABEL, pool).delete();
  }

  /** The service account controller (KCM) gives every namespace its "default" ServiceAccount. */
  void awaitDefaultServiceAccount(String namespace) {
    poller.await("ServiceAccount " + namespace + "/default", () -> client.serviceAccounts().inNamespace(namespace)
        .withName("default").get() != null, "kube-controller-manager");
  }

  Namespace createNamespace(String name) {
    Namespace ns = client.namespaces().withName(name).get();
    if (ns == null) {
      ns = client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    awaitDefaultServiceAccount(name);
    return ns;
  }

  List<String> applyCrds(Path dir) {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted(Comparator.naturalOrder())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> names = new ArrayList<>();
    for (Path f : files) {
      List<HasMetadata> items;
      try (InputStream in = Files.newInputStream(f)) {
        items = client.load(in).items();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (HasMetadata item : items) {
        if (item instanceof CustomResourceDefinition crd) {
          client.apiextensions().v1().customResourceDefinitions().resource(crd)
              .fieldManager("circlet-kube-test").forceConflicts().serverSideApply();
          names.add(crd.getMetadata().getName());
        }
      }
    }
    long timeoutSeconds = poller.timeout().toSeconds();
    for (String name : names) {
      client.apiextensions().v1().customResourceDefinitions().withName(name)
          .waitUntilCondition(c -> c != null && Readiness.isEstablished(c), timeoutSeconds, TimeUnit.SECONDS);
    }
    return names;
  }
}
