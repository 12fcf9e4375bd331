package dev.circlet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.BuildStatus;
import dev.circlet.api.v1alpha1.Organization;
import dev.circlet.api.v1alpha1.OrganizationSpec;
import dev.circlet.api.v1alpha1.OrganizationStatus;
import dev.circlet.operator.reconciler.OperatorHarness;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusWriterTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static Build observed() {
    Build b = OperatorHarness.build("ci", "web-1-test-1f3a9c2e", "acme", "medium");
    b.getMetadata().setResourceVersion("41");
    b.getMetadata().setUid("uid-1");
    b.getMetadata().setGeneration(3L);
    b.getMetadata().setLabels(new java.util.HashMap<>(Map.of("ci.circlet.dev/workflow", "web-1")));
    b.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withKind("Workflow").withName("web-1")
        .withUid("wf").withController(true).build()));
    b.setStatus(new BuildStatus());
    b.getStatus().phase = BuildPhase.Queued;
    return b;
  }

  @Test
  void theStatusWriteSendsWhatADeepCopyWouldHaveSent() {
    Build observed = observed();
    BuildStatus desired = new BuildStatus();
    desired.phase = BuildPhase.Admitted;
    desired.podName = "web-1-test-1f3a9c2e";

    Build deep = JSON.clone(observed);
    deep.setStatus(desired);
    Build shallow = StatusWriter.forStatusWrite(observed);
    shallow.setStatus(desired);

    assertThat(JSON.asJson(shallow)).isEqualTo(JSON.asJson(deep));
  }

  @Test
  void theCachedResourceIsNeverChanged() {
    Build observed = observed();
    String before = JSON.asJson(observed);

    Build target = StatusWriter.forStatusWrite(observed);
    target.setStatus(new BuildStatus());
    target.getMetadata().setResourceVersion("42");
    target.getMetadata().getLabels().put("x", "y");

    assertThat(JSON.asJson(observed)).isEqualTo(before);
    assertThat(target.getSpec()).isSameAs(observed.getSpec());
  }

  @Test
  void worksForEveryStatusOwner() {
    Organization org = new Organization();
    org.getMetadata().setName("acme");
    org.getMetadata().setResourceVersion("7");
    org.setSpec(new OrganizationSpec());
    org.setStatus(new OrganizationStatus());

    Organization target = StatusWriter.forStatusWrite(org);

    assertThat(target.getKind()).isEqualTo("Organization");
    assertThat(target.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(target.getSpec()).isSameAs(org.getSpec());
    assertThat(target.getStatus()).isNotSameAs(org.getStatus());
  }
}
