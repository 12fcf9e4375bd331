package dev.circlet.kubetest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pure helpers, no cluster. */
class FakeKubeletTest {

  static Pod running() {
    return new PodBuilder()
        .withNewMetadata().withName("p").endMetadata()
        .withNewSpec()
          .addNewContainer().withName("main").withImage("img").endContainer()
          .addNewContainer().withName("db").withImage("postgres").endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running").withPodIP("10.244.0.5")
          .addNewCondition().withType("Ready").withStatus("True").endCondition()
          .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
          .addNewContainerStatus().withName("main").withNewState().withNewRunning()
            .withStartedAt("2025-01-01T00:00:00Z").endRunning().endState().endContainerStatus()
        .endStatus()
        .build();
  }

  @Test
  void allZeroSucceeds() {
    Pod p = FakeKubelet.terminated(running(), Map.of(), 0, Instant.parse("2025-01-01T00:01:00.5Z"));
    assertThat(p.getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(p.getStatus().getPodIP()).isEqualTo("10.244.0.5");
    var main = p.getStatus().getContainerStatuses().get(0);
    assertThat(main.getState().getTerminated().getStartedAt()).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(main.getState().getTerminated().getFinishedAt()).isEqualTo("2025-01-01T00:01:00Z");
    assertThat(main.getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("False");
    });
  }

  @Test
  void oneNonZeroFails() {
    Pod p = FakeKubelet.terminated(running(), Map.of("db", 137), 0, Instant.now());
    assertThat(p.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(p.getStatus().getContainerStatuses().get(1).getState().getTerminated().getExitCode()).isEqualTo(137);
    assertThat(p.getStatus().getContainerStatuses().get(1).getState().getTerminated().getReason()).isEqualTo("Error");
  }

  @Test
  void lastPemCertificateIsTheCa() {
    String leaf = Pem.pem("CERTIFICATE", new byte[] {1, 2, 3});
    String ca = Pem.pem("CERTIFICATE", new byte[] {4, 5, 6});
    assertThat(Pem.lastPemCertificate(leaf + ca)).isEqualTo(ca);
  }
}
