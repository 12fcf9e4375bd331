package dev.circlet.charts;

import static dev.circlet.charts.Manifests.as;
import static dev.circlet.charts.Manifests.ofKind;
import static dev.circlet.charts.Manifests.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helm lint and helm template of the chart, with its defaults and with every switch changed. */
class ChartRenderTest {
  private static final String OPERATOR = "circlet-operator";
  private static final String GATEWAY = "circlet-gateway";

  @Test
  void lintsCleanWithDefaultsAndWithFullValues() {
    Helm.run("lint", Helm.CHART.toString(), "--strict").assertOk("helm lint (defaults)");
    Helm.run("lint", Helm.CHART.toString(), "--strict", "-f", Helm.FULL_VALUES.toString())
        .assertOk("helm lint (full values)");
  }

  @Test
  void defaultsRenderOperatorGatewayBuildNamespaceAndDefaultObjects() {
    List<GenericKubernetesResource> all = Manifests.render();
    Deployment operator = as(one(all, "Deployment", OPERATOR), Deployment.class);
    assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
    assertThat(operator.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(OPERATOR);
    one(all, "PodDisruptionBudget", OPERATOR);
    Deployment gateway = as(one(all, "Deployment", GATEWAY), Deployment.class);
    assertThat(gateway.getSpec().getReplicas()).isEqualTo(2);
    assertThat(gateway.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(GATEWAY);
    Container gw = gateway.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(gw.getImage()).isEqualTo("ghcr.io/circlet/gateway:0.1.0");
    assertThat(gw.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("http=8080", "grpc-runner=9000");
    assertThat(gw.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(gw.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(gw.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("QUARKUS_DATASOURCE_PASSWORD");
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("circlet-postgresql");
    });
    one(all, "Service", GATEWAY);
    one(all, "ServiceAccount", OPERATOR);
    one(all, "ServiceAccount", GATEWAY);
    assertThat(ofKind(all, "HorizontalPodAutoscaler")).isEmpty();
    assertThat(ofKind(all, "Ingress")).isEmpty();
    assertThat(ofKind(all, "ServiceMonitor")).isEmpty();
    // the organization binding is enforced at the API server by default, policy and binding
    assertThat(ofKind(all, "ValidatingAdmissionPolicy")).extracting(r -> r.getMetadata().getName())
        .containsExactly("circlet-organization-binding");
    assertThat(ofKind(all, "ValidatingAdmissionPolicyBinding")).hasSize(1);

    ConfigMap config = as(one(all, "ConfigMap", OPERATOR), ConfigMap.class);
    assertThat(config.getData()).containsEntry("CIRCLET_NAMESPACES", "circlet-builds")
        .containsEntry("CIRCLET_RUNNER_IMAGE", "ghcr.io/circlet/runner:0.1.0")
        .containsEntry("CIRCLET_RUNNER_SERVICE_ACCOUNT", "default")
        .containsEntry("CIRCLET_RUNNER_TOKEN_AUDIENCE", "circlet.dev/runner")
        .containsEntry("CIRCLET_LEADER_ELECTION_ENABLED", "true")
        .containsEntry("CIRCLET_LEADER_ELECTION_LEASE_NAMESPACE", Helm.NAMESPACE)
        .doesNotContainKey("CIRCLET_ADMISSION_CLUSTER_MAX_BUILDS");

    Namespace builds = as(one(all, "Namespace", "circlet-builds"), Namespace.class);
    assertThat(builds.getMetadata().getLabels()).containsEntry("ci.circlet.dev/organization", "default")
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
        .containsEntry("pod-security.kubernetes.io/warn", "restricted");
    assertThat(builds.getMetadata().getAnnotations()).as("teams' objects survive helm uninstall")
        .containsEntry("helm.sh/resource-policy", "keep");
    NetworkPolicy policy = as(one(all, "NetworkPolicy", "circlet-builds"), NetworkPolicy.class);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(policy.getSpec().getIngress()).isEmpty();
    List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
    assertThat(egress.get(0).getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .containsExactly("UDP/53", "TCP/53");
    assertThat(egress.get(1).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(9000);
    assertThat(egress.get(1).getTo().get(0).getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "gateway");
    assertThat(egress.get(2).getTo()).anySatisfy(peer -> {
      assertThat(peer.getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
      assertThat(peer.getIpBlock().getExcept()).contains("169.254.169.254/32");
    });
    assertThat(ofKind(all, "ResourceQuota")).isEmpty();

    assertThat(ofKind(all, "ResourceClass")).extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder("small", "medium", "large", "xlarge");
    GenericKubernetesResource org = one(all, "Organization", "default");
    assertThat(org.<Integer>get("spec", "maxConcurrentBuilds")).isEqualTo(20);
    assertThat(org.<Integer>get("spec", "maxQueuedBuilds")).isEqualTo(500);
  }

  @Test
  void everyWorkloadIsRestrictedProbedSizedAndScraped() {
    for (List<GenericKubernetesResource> all : List.of(Manifests.render(),
        Manifests.render("-f", Helm.FULL_VALUES.toString()))) {
      List<GenericKubernetesResource> deployments = ofKind(all, "Deployment");
      assertThat(deployments).hasSize(2);
      for (GenericKubernetesResource d : deployments) {
        Deployment dep = as(d, Deployment.class);
        PodSpec pod = dep.getSpec().getTemplate().getSpec();
        String what = Manifests.key(d);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(what).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(what).isEqualTo("RuntimeDefault");
        assertThat(dep.getSpec().getTemplate().getMetadata().getAnnotations()).as(what)
            .containsKey("checksum/config")
            .containsEntry("prometheus.io/scrape", "true")
            .containsEntry("prometheus.io/path", "/q/metrics");
        for (Container c : pod.getContainers()) {
          assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(what).isFalse();
          assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(what).isTrue();
          assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(what).containsExactly("ALL");
          assertThat(c.getResources().getRequests()).as(what).containsKeys("cpu", "memory");
          assertThat(c.getResources().getLimits()).as(what).containsKey("memory");
          assertThat(c.getLivenessProbe()).as(what).isNotNull();
          assertThat(c.getReadinessProbe()).as(what).isNotNull();
        }
      }
    }
  }

  @Test
  void fullValuesSwitchOnEveryOptionalPart() {
    List<GenericKubernetesResource> all = Manifests.render("-f", Helm.FULL_VALUES.toString());
    Deployment gateway = as(one(all, "Deployment", GATEWAY), Deployment.class);
    assertThat(gateway.getSpec().getReplicas()).as("the HPA owns the replica count").isNull();
    assertThat(one(all, "HorizontalPodAutoscaler", GATEWAY).<Integer>get("spec", "maxReplicas")).isEqualTo(12);
    assertThat(one(all, "Ingress", GATEWAY).toString()).contains("ci.example.com", "ci-example-com-tls");
    assertThat(ofKind(all, "ServiceMonitor")).hasSize(2);
    Deployment operator = as(one(all, "Deployment", OPERATOR), Deployment.class);
    assertThat(operator.getSpec().getReplicas()).isEqualTo(3);
    assertThat(operator.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/circlet/operator@sha256:"
            + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assertThat(operator.getSpec().getTemplate().getSpec().getImagePullSecrets()).extracting(s -> s.getName())
        .containsExactly("ghcr-pull");
    ConfigMap config = as(one(all, "ConfigMap", OPERATOR), ConfigMap.class);
    assertThat(config.getData()).containsEntry("CIRCLET_NAMESPACES", "ci-acme,ci-hobby,ci-existing")
        .containsEntry("CIRCLET_ADMISSION_CLUSTER_MAX_BUILDS", "400")
        .containsEntry("CIRCLET_RUNNER_IMAGE", "registry.example.com/circlet/runner:0.1.0-rc.1");

    assertThat(ofKind(all, "Namespace")).extracting(n -> n.getMetadata().getName())
        .containsExactlyInAnyOrder("ci-acme", "ci-hobby");
    assertThat(one(all, "Namespace", "ci-hobby").getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "baseline").containsEntry("tenant", "hobby");
    assertThat(ofKind(all, "NetworkPolicy")).extracting(n -> n.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("ci-acme", "ci-hobby", "ci-existing");
    assertThat(ofKind(all, "ResourceQuota")).extracting(n -> n.getMetadata().getNamespace())
        .containsExactly("ci-acme");
    assertThat(ofKind(all, "ResourceClass")).extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder("small", "medium", "large", "arm.medium");
    GenericKubernetesResource org = one(all, "Organization", "acme");
    assertThat(org.<Integer>get("spec", "maxQueuedBuilds")).as("0: no Build may wait").isZero();
    assertThat(org.<List<String>>get("spec", "allowedResourceClasses")).contains("arm.medium");
    assertThat(gateway.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> {
          assertThat(e.getName()).isEqualTo("CIRCLET_GATEWAY_ADMIN_TOKEN");
          assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("circlet-gateway-bootstrap");
        });
    assertThat(ofKind(all, "ValidatingAdmissionPolicy")).hasSize(1);
  }

  @Test
  void aSingleGatewayReplicaGetsNoBudgetThatWouldBlockDrains() {
    assertThat(ofKind(Manifests.render("--set", "gateway.replicas=1"), "PodDisruptionBudget"))
        .extracting(r -> r.getMetadata().getName()).containsExactly(OPERATOR);
    assertThat(ofKind(Manifests.render("--set", "gateway.replicas=1", "--set", "gateway.autoscaling.enabled=true"),
        "PodDisruptionBudget")).hasSize(2);
  }

  @Test
  void withoutTheGatewayNothingOfItIsRendered() {
    List<GenericKubernetesResource> all = Manifests.render("--set", "gateway.enabled=false",
        "--set", "metrics.serviceMonitor.enabled=true");
    assertThat(all).noneMatch(r -> r.getMetadata().getName().startsWith(GATEWAY));
    assertThat(ofKind(all, "Deployment")).extracting(r -> r.getMetadata().getName()).containsExactly(OPERATOR);
    NetworkPolicy policy = as(one(all, "NetworkPolicy", "circlet-builds"), NetworkPolicy.class);
    assertThat(policy.getSpec().getEgress()).as("DNS and the CIDRs, no runner port").hasSize(2);
    assertThat(ofKind(all, "ServiceMonitor")).extracting(r -> r.getMetadata().getName())
        .containsExactly("circlet-operator-metrics");
  }

  @Test
  void configChangesRollOnlyTheComponentTheyConcern() {
    String op0 = checksum(Manifests.render(), OPERATOR);
    String gw0 = checksum(Manifests.render(), GATEWAY);
    assertThat(checksum(Manifests.render(), OPERATOR)).as("deterministic").isEqualTo(op0);

    List<GenericKubernetesResource> ttl = Manifests.render("--set", "operator.finishedTtl=72h");
    assertThat(checksum(ttl, OPERATOR)).isNotEqualTo(op0);
    assertThat(checksum(ttl, GATEWAY)).isEqualTo(gw0);

    List<GenericKubernetesResource> bucket = Manifests.render("--set", "s3.bucket=other-bucket");
    assertThat(checksum(bucket, GATEWAY)).isNotEqualTo(gw0);
    assertThat(checksum(bucket, OPERATOR)).isEqualTo(op0);
  }

  private static String checksum(List<GenericKubernetesResource> all, String deployment) {
    return as(one(all, "Deployment", deployment), Deployment.class).getSpec().getTemplate().getMetadata()
        .getAnnotations().get("checksum/config");
  }

  @Test
  void aTypoInAValuesFileFailsWithTheSchemasMessage(@TempDir Path dir) throws IOException {
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "operator:\n  replcias: 3\n");
    Helm.Result r = Helm.template("-f", typo.toString());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("values don't meet the specifications of the schema")
        .contains("/operator").contains("replcias");

    Helm.Result top = Helm.run("lint", Helm.CHART.toString(), "--set", "buildNamespace[0].name=x");
    assertThat(top.exitCode()).isNotZero();
    assertThat(top.stdout() + top.stderr()).contains("buildNamespace");
  }

  @Test
  void wrongTypesAndEmptyRequiredValuesFailWithTheSchemasMessage() {
    Helm.Result type = Helm.template("--set-string", "operator.replicas=two");
    assertThat(type.exitCode()).isNotZero();
    assertThat(type.stderr()).contains("/operator/replicas");

    Helm.Result secret = Helm.template("--set", "postgresql.existingSecret=");
    assertThat(secret.exitCode()).isNotZero();
    assertThat(secret.stderr()).contains("/postgresql/existingSecret");

    Helm.Result pss = Helm.template("--set", "buildNamespaces[0].name=ci", "--set", "buildNamespaces[0].podSecurity=privileged");
    assertThat(pss.exitCode()).isNotZero();
    assertThat(pss.stderr()).contains("/buildNamespaces/0/podSecurity");
  }

  @Test
  void admissionPolicyComesFromTheChartFileOnlyWhenEnabledAndPresent(@TempDir Path dir) throws IOException {
    Path chart = dir.resolve("circlet");
    copy(Helm.CHART, chart);
    Files.writeString(chart.resolve("files/admission-policy.yaml"), """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: circlet-tenants
        spec:
          failurePolicy: Fail
          matchConstraints:
            resourceRules:
              - apiGroups: [ci.circlet.dev]
                apiVersions: ["*"]
                operations: [CREATE, UPDATE]
                resources: [pipelines]
          validations:
            - expression: "has(object.spec.organization)"
        """);
    String on = Helm.run("template", "circlet", chart.toString(), "--set", "admissionPolicy.enabled=true")
        .assertOk("helm template").stdout();
    assertThat(ofKind(Manifests.parse(on), "ValidatingAdmissionPolicy")).hasSize(1);
    String off = Helm.run("template", "circlet", chart.toString(), "--set", "admissionPolicy.enabled=false")
        .assertOk("helm template").stdout();
    assertThat(ofKind(Manifests.parse(off), "ValidatingAdmissionPolicy")).isEmpty();
  }

  private static void copy(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
