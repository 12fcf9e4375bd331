package dev.circlet.runner.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TimingsHistoryTest {
  private static Timings files(Map<String, Double> byFile) {
    return new Timings(Map.of("filename", byFile));
  }

  @Test
  void a_runs_splits_never_see_the_timings_its_own_nodes_stored() {
    TimingsHistory h = TimingsHistory.empty();
    // run w1: node 0 stores before node 2 splits; node 2 must still split on nothing
    h = h.recorded("w1", files(Map.of("a", 60.0, "d", 1.0)));
    assertThat(h.forRun("w1").of("filename")).isEmpty();
    h = h.recorded("w1", files(Map.of("b", 1.0, "e", 1.0)));
    assertThat(h.forRun("w1").of("filename")).isEmpty();
    // the next run sees all of w1's
    assertThat(h.forRun("w2").of("filename")).isEqualTo(Map.of("a", 60.0, "d", 1.0, "b", 1.0, "e", 1.0));
    // run w2 stores newer values; its own splits keep seeing w1's, a later run sees the merge
    h = h.recorded("w2", files(Map.of("a", 30.0)));
    assertThat(h.forRun("w2").of("filename")).containsEntry("a", 60.0).hasSize(4);
    h = h.recorded("w2", files(Map.of("c", 2.0)));
    assertThat(h.forRun("w2").of("filename")).containsEntry("a", 60.0).doesNotContainKey("c");
    assertThat(h.forRun("w3").of("filename")).containsEntry("a", 30.0).containsEntry("c", 2.0).hasSize(5);
    assertThat(h.forRun(null).of("filename")).isEqualTo(h.current().of("filename"));
  }

  @Test
  void the_stored_form_round_trips_and_the_earlier_bare_map_is_read_as_timings_of_no_run() {
    TimingsHistory h = TimingsHistory.empty().recorded("w1", files(Map.of("a", 3.0)))
        .recorded("w2", files(Map.of("a", 4.0)));
    TimingsHistory back = TimingsHistory.of(h.asMap());
    assertThat(back.run()).isEqualTo("w2");
    assertThat(back.forRun("w2").of("filename")).isEqualTo(Map.of("a", 3.0));
    assertThat(back.forRun("w3").of("filename")).isEqualTo(Map.of("a", 4.0));

    TimingsHistory legacy = TimingsHistory.of(Map.of("filename", Map.of("a.js", 3)));
    assertThat(legacy.run()).isNull();
    assertThat(legacy.forRun("w1").of("filename")).isEqualTo(Map.of("a.js", 3.0));
  }
}
