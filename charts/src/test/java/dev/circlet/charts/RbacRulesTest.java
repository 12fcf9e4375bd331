package dev.circlet.charts;

import static dev.circlet.charts.Manifests.as;
import static dev.circlet.charts.Manifests.ofKind;
import static dev.circlet.charts.Manifests.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chart's RBAC is least privilege: no wildcards, cluster scope only where it must be. */
class RbacRulesTest {
  /** Cluster-scoped built-in resources a ClusterRole of the chart may name. */
  private static final Set<String> CLUSTER_SCOPED_BUILT_INS =
      Set.of("authentication.k8s.io/tokenreviews", "/namespaces", "/nodes");

  /** Where kubelets renew their node Leases, which the operator reads to tell a lost node. */
  private static final String NODE_LEASES = "kube-node-lease";

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "full", "clusterWide"})
  void noRuleHasAWildcard(String variant) {
    List<GenericKubernetesResource> all = render(variant);
    List<PolicyRule> rules = rules(all);
    assertThat(rules).isNotEmpty();
    for (PolicyRule r : rules) {
      List<String> fields = new ArrayList<>();
      Stream.of(r.getVerbs(), r.getResources(), r.getApiGroups(), r.getResourceNames(), r.getNonResourceURLs())
          .filter(l -> l != null).forEach(fields::addAll);
      assertThat(fields).as(r.toString()).noneMatch(f -> f.contains("*"));
      assertThat(r.getNonResourceURLs()).as(r.toString()).isNullOrEmpty();
    }
  }

  @Test
  void clusterRolesNameOnlyClusterScopedKindsUnlessClusterWideIsAskedFor() throws IOException {
    Set<String> clusterScoped = clusterScopedResources();
    for (String variant : List.of("defaults", "full")) {
      List<GenericKubernetesResource> all = render(variant);
      for (GenericKubernetesResource g : ofKind(all, "ClusterRole")) {
        for (PolicyRule r : as(g, ClusterRole.class).getRules()) {
          for (String group : r.getApiGroups()) {
            for (String res : r.getResources()) {
              assertThat(group + "/" + res.split("/")[0]).as(variant + ": " + Manifests.key(g))
                  .isIn(clusterScoped);
            }
          }
        }
      }
    }
    List<GenericKubernetesResource> wide = render("clusterWide");
    assertThat(as(one(wide, "ClusterRole", "circlet-operator-builds"), ClusterRole.class).getRules())
        .anySatisfy(r -> assertThat(r.getResources()).contains("pods"));
    assertThat(as(one(wide, "ClusterRoleBinding", "circlet-operator-builds"), ClusterRoleBinding.class)
        .getSubjects().get(0).getName()).isEqualTo("circlet-operator");
    assertThat(as(one(wide, "ConfigMap", "circlet-operator"), ConfigMap.class).getData())
        .as("cluster-wide: every namespace is watched").doesNotContainKey("CIRCLET_NAMESPACES");
    assertThat(ofKind(wide, "Role")).extracting(r -> r.getMetadata().getNamespace())
        .containsOnly(Helm.NAMESPACE, NODE_LEASES);
  }

  @Test
  void podsAndSecretsOnlyInTheBuildNamespacesTheValuesName() {
    List<GenericKubernetesResource> all = render("full");
    Set<String> withPods = new HashSet<>();
    for (GenericKubernetesResource g : ofKind(all, "Role")) {
      Role role = as(g, Role.class);
      boolean pods = role.getRules().stream().anyMatch(r -> r.getResources().contains("pods")
          || r.getResources().contains("secrets"));
      if (pods) {
        withPods.add(role.getMetadata().getNamespace());
      }
    }
    assertThat(withPods).containsExactlyInAnyOrder("ci-acme", "ci-hobby", "ci-existing");
    for (String ns : withPods) {
      RoleBinding op = as(all.stream().filter(r -> r.getKind().equals("RoleBinding")
          && ns.equals(r.getMetadata().getNamespace()) && r.getMetadata().getName().equals("circlet-operator"))
          .findFirst().orElseThrow(), RoleBinding.class);
      assertThat(op.getSubjects()).singleElement().satisfies(s -> {
        assertThat(s.getKind()).isEqualTo("ServiceAccount");
        assertThat(s.getNamespace()).isEqualTo(Helm.NAMESPACE);
      });
    }
    Role gateway = as(all.stream().filter(r -> r.getKind().equals("Role") && "ci-acme".equals(r.getMetadata().getNamespace())
        && r.getMetadata().getName().equals("circlet-gateway")).findFirst().orElseThrow(), Role.class);
    assertThat(gateway.getRules()).filteredOn(r -> r.getResources().contains("pods"))
        .as("runner identity reads the token's pod, nothing more").singleElement()
        .satisfies(r -> assertThat(r.getVerbs()).containsExactly("get"));
    Role operator = as(all.stream().filter(r -> r.getKind().equals("Role") && "ci-acme".equals(r.getMetadata().getNamespace())
        && r.getMetadata().getName().equals("circlet-operator")).findFirst().orElseThrow(), Role.class);
    assertThat(operator.getRules()).filteredOn(r -> r.getResources().contains("secrets"))
        .as("the operator never writes a Secret: build pods get no agent Secret").singleElement()
        .satisfies(r -> assertThat(r.getVerbs()).containsExactlyInAnyOrder("list", "watch"));
    assertThat(gateway.getRules()).filteredOn(r -> r.getResources().contains("secrets"))
        .allSatisfy(r -> assertThat(r.getVerbs()).containsExactly("get"));
    Role own = as(all.stream().filter(r -> r.getKind().equals("Role") && Helm.NAMESPACE.equals(r.getMetadata().getNamespace()))
        .findFirst().orElseThrow(), Role.class);
    assertThat(own.getRules()).filteredOn(r -> r.getResources().contains("leases") && r.getVerbs().contains("update"))
        .allSatisfy(r -> assertThat(r.getResourceNames()).containsExactly("circlet-operator-leader"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "full", "clusterWide"})
  void nodeLeasesAreOnlyRead(String variant) {
    List<GenericKubernetesResource> all = render(variant);
    Role leases = as(ofKind(all, "Role").stream().filter(r -> NODE_LEASES.equals(r.getMetadata().getNamespace()))
        .findFirst().orElseThrow(), Role.class);
    assertThat(leases.getRules()).singleElement().satisfies(r -> {
      assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
      assertThat(r.getResources()).containsExactly("leases");
      assertThat(r.getVerbs()).containsExactly("get", "list", "watch");
    });
    List<PolicyRule> nodes = new ArrayList<>();
    ofKind(all, "ClusterRole").forEach(r -> nodes.addAll(as(r, ClusterRole.class).getRules().stream()
        .filter(rule -> rule.getResources().contains("nodes")).toList()));
    assertThat(nodes).singleElement().satisfies(r -> assertThat(r.getVerbs()).containsExactly("get", "list", "watch"));
  }

  @Test
  void machineVmsAndTheirSecretsOnlyInTheMachineNamespaceAndOnlyWhenEnabled() {
    assertThat(ofKind(render("full"), "Role")).noneMatch(r -> r.getMetadata().getName().endsWith("-machines"));
    List<GenericKubernetesResource> all = Manifests.render("-f", Helm.FULL_VALUES.toString(),
        "--set", "machine.enabled=true", "--set", "machine.namespace=circlet-machines");
    Role machines = as(all.stream().filter(r -> r.getKind().equals("Role")
        && r.getMetadata().getName().equals("circlet-operator-machines")).findFirst().orElseThrow(), Role.class);
    assertThat(machines.getMetadata().getNamespace()).isEqualTo("circlet-machines");
    assertThat(machines.getRules()).filteredOn(r -> r.getResources().contains("secrets"))
        .singleElement().satisfies(r -> assertThat(r.getVerbs()).containsExactly("create", "get"));
    // Tokens of the machine ServiceAccount only (a VM's build identity), of no other account.
    assertThat(machines.getRules()).filteredOn(r -> r.getResources().contains("serviceaccounts/token"))
        .singleElement().satisfies(r -> {
          assertThat(r.getVerbs()).containsExactly("create");
          assertThat(r.getResourceNames()).containsExactly("circlet-machine");
        });
    assertThat(all).filteredOn(r -> r.getKind().equals("ServiceAccount")
        && r.getMetadata().getName().equals("circlet-machine"))
        .singleElement().satisfies(sa -> assertThat(sa.getMetadata().getNamespace()).isEqualTo("circlet-machines"));
    assertThat(all).noneMatch(r -> (r.getKind().equals("RoleBinding") || r.getKind().equals("ClusterRoleBinding"))
        && r.toString().contains("name=circlet-machine,"));
    // The gateway reads VMIs there (a VM's token names its VM), nothing else.
    Role gatewayMachines = as(all.stream().filter(r -> r.getKind().equals("Role")
        && r.getMetadata().getName().equals("circlet-gateway-machines")).findFirst().orElseThrow(), Role.class);
    assertThat(gatewayMachines.getMetadata().getNamespace()).isEqualTo("circlet-machines");
    assertThat(gatewayMachines.getRules()).singleElement().satisfies(r -> {
      assertThat(r.getResources()).containsExactly("virtualmachineinstances");
      assertThat(r.getVerbs()).containsExactly("get");
    });
    assertThat(machines.getRules()).filteredOn(r -> r.getApiGroups().contains("kubevirt.io"))
        .singleElement().satisfies(r -> assertThat(r.getResources()).containsExactly("virtualmachineinstances"));
    assertThat(Helm.template("-f", Helm.FULL_VALUES.toString(), "--set", "machine.enabled=true").exitCode())
        .as("machine.enabled without machine.namespace is refused").isNotZero();
  }

  static List<GenericKubernetesResource> render(String variant) {
    return switch (variant) {
      case "defaults" -> Manifests.render();
      case "full" -> Manifests.render("-f", Helm.FULL_VALUES.toString());
      case "clusterWide" -> Manifests.render("-f", Helm.FULL_VALUES.toString(), "--set", "rbac.clusterWide=true");
      default -> throw new IllegalArgumentException(variant);
    };
  }

  static List<PolicyRule> rules(List<GenericKubernetesResource> all) {
    List<PolicyRule> rules = new ArrayList<>();
    ofKind(all, "Role").forEach(r -> rules.addAll(as(r, Role.class).getRules()));
    ofKind(all, "ClusterRole").forEach(r -> rules.addAll(as(r, ClusterRole.class).getRules()));
    return rules;
  }

  /** group/plural of every cluster-scoped CRD of the chart, plus the built-ins the chart may use. */
  private static Set<String> clusterScopedResources() throws IOException {
    Set<String> out = new HashSet<>(CLUSTER_SCOPED_BUILT_INS);
    try (Stream<Path> files = Files.list(Helm.CHART.resolve("crds"))) {
      for (Path f : files.toList()) {
        GenericKubernetesResource crd = Manifests.parse(Files.readString(f)).get(0);
        if ("Cluster".equals(crd.get("spec", "scope"))) {
          out.add(crd.get("spec", "group") + "/" + crd.get("spec", "names", "plural"));
        }
      }
    }
    return out;
  }
}
