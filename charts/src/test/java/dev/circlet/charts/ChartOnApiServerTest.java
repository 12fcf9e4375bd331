package dev.circlet.charts;

import static dev.circlet.charts.Manifests.as;
import static dev.circlet.charts.Manifests.ofKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.circlet.kubetest.KubeCluster;
import dev.circlet.kubetest.KubeControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every manifest the chart renders, server-side dry-run against kube-test's real API server with
 * the chart's CRDs installed: schemas, defaulting, validation and admission accept all of it.
 */
@KubeCluster
class ChartOnApiServerTest {
  private static final String FIELD_MANAGER = "circlet-chart-test";

  @BeforeAll
  static void installCrds(KubeControlPlane cp, @TempDir Path stubs) throws IOException {
    cp.applyCrds(Helm.CHART.resolve("crds"));
    // The Prometheus Operator's ServiceMonitor kind, so full-values' ServiceMonitors can be checked too.
    Files.writeString(stubs.resolve("servicemonitors.yaml"), """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: servicemonitors.monitoring.coreos.com
        spec:
          group: monitoring.coreos.com
          names: {kind: ServiceMonitor, plural: servicemonitors, singular: servicemonitor, listKind: ServiceMonitorList}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
        """);
    cp.applyCrds(stubs);
    // The release namespace, labelled as an admin would for restricted pods, and a build
    // namespace the full values name without creating it.
    cp.createNamespace(Helm.NAMESPACE);
    cp.client().namespaces().withName(Helm.NAMESPACE).edit(ns -> new NamespaceBuilder(ns).editMetadata()
        .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build());
    cp.createNamespace("ci-existing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "full", "clusterWide"})
  void theApiServerAcceptsEveryRenderedObject(String variant, KubernetesClient client) {
    List<GenericKubernetesResource> all = RbacRulesTest.render(variant);
    // Namespaces first, for real: a dry-run Namespace does not exist for the objects inside it.
    for (GenericKubernetesResource ns : ofKind(all, "Namespace")) {
      client.resource(ns).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
    List<String> accepted = new ArrayList<>();
    for (GenericKubernetesResource r : all) {
      HasMetadata result;
      try {
        result = client.resource(r).dryRun().fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      } catch (KubernetesClientException e) {
        throw new AssertionError(variant + ": the API server refused " + Manifests.key(r) + ": " + e.getMessage(), e);
      }
      assertThat(result.getMetadata().getUid()).as(Manifests.key(r)).isNotBlank();
      accepted.add(Manifests.key(r));
    }
    assertThat(accepted).hasSameSizeAs(all);
    for (GenericKubernetesResource r : ofKind(all, "Organization")) {
      assertThat(client.genericKubernetesResources("ci.circlet.dev/v1alpha1", "Organization")
          .withName(r.getMetadata().getName()).get()).as("dry-run created nothing").isNull();
    }
  }

  @Test
  void theWorkloadPodsPassTheRestrictedPodSecurityStandard(KubernetesClient client) {
    for (String variant : List.of("defaults", "full")) {
      for (GenericKubernetesResource d : ofKind(RbacRulesTest.render(variant), "Deployment")) {
        Deployment dep = as(d, Deployment.class);
        Pod pod = new PodBuilder().withNewMetadata().withGenerateName(dep.getMetadata().getName() + "-")
            .withNamespace(Helm.NAMESPACE).withLabels(dep.getSpec().getTemplate().getMetadata().getLabels())
            .endMetadata().withSpec(dep.getSpec().getTemplate().getSpec()).build();
        // ServiceAccounts referenced by the pods exist only as dry-run objects: name the default one.
        pod.getSpec().setServiceAccountName("default");
        pod.getSpec().setImagePullSecrets(List.of());
        assertThat(client.resource(pod).dryRun().create().getMetadata().getUid()).as(variant + " " + Manifests.key(d))
            .isNotBlank();
      }
    }
    // The check can fail: a root container is refused in that namespace.
    Pod root = new PodBuilder().withNewMetadata().withName("root").withNamespace(Helm.NAMESPACE).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
    assertThatThrownBy(() -> client.resource(root).dryRun().create())
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("violates PodSecurity \"restricted");
  }

  @Test
  void everyNamespacedObjectNamesItsNamespace() {
    for (GenericKubernetesResource r : RbacRulesTest.render("full")) {
      boolean clusterScoped = List.of("Namespace", "ClusterRole", "ClusterRoleBinding", "ResourceClass",
          "Organization", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding").contains(r.getKind());
      assertThat(r.getMetadata().getNamespace()).as(Manifests.key(r)).matches(ns -> clusterScoped == (ns == null));
    }
  }
}
