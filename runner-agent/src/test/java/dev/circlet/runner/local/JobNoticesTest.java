package dev.circlet.runner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobNoticesTest {
  @Test
  void sharedNoticesOnceAndDifferingOnesWithTheirNode() {
    List<String> lines = JobNotices.lines("test", List.of(
        List.of("notice: image x", "notice: wd at work/test.0/root/ws"),
        List.of("notice: image x", "notice: wd at work/test.1/root/ws"),
        List.of("notice: image x", "notice: wd at work/test.2/root/ws")));
    assertThat(lines).containsExactly("[test] notice: image x",
        "[test#0] notice: wd at work/test.0/root/ws",
        "[test#1] notice: wd at work/test.1/root/ws",
        "[test#2] notice: wd at work/test.2/root/ws");
  }

  @Test
  void aSingleNodeNeverCarriesAnIndex() {
    assertThat(JobNotices.lines("a", List.of(List.of("warning: uses sudo"))))
        .containsExactly("[a] warning: uses sudo");
    assertThat(JobNotices.lines("a", List.of(List.of(), List.of())) ).isEmpty();
  }
}
