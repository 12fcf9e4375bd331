package dev.circlet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.circlet.api.v1alpha1.BuildPhase;
import dev.circlet.api.v1alpha1.WorkflowPhase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventPolicyTest {
  static final Optional<String> NONE = Optional.empty();
  static final Optional<String> WARNING = Optional.of(EventRecorder.WARNING);

  @Test
  void buildTable() {
    record Row(BuildPhase before, BuildPhase after, Optional<String> expected) {}
    for (Row row : List.of(
        new Row(null, BuildPhase.Queued, NONE),
        new Row(null, BuildPhase.Admitted, NONE),
        new Row(BuildPhase.Queued, BuildPhase.Admitted, NONE),
        new Row(BuildPhase.Admitted, BuildPhase.Running, NONE),
        new Row(BuildPhase.Running, BuildPhase.Succeeded, NONE),
        new Row(BuildPhase.Running, BuildPhase.Canceled, NONE),
        new Row(BuildPhase.Running, BuildPhase.Failed, WARNING),
        new Row(BuildPhase.Running, BuildPhase.TimedOut, WARNING),
        new Row(null, BuildPhase.Failed, WARNING),
        new Row(BuildPhase.Queued, BuildPhase.Failed, WARNING),
        // No change, no Event: a reconcile that rewrites a Failed Build's message says nothing new.
        new Row(BuildPhase.Failed, BuildPhase.Failed, NONE),
        new Row(BuildPhase.Queued, null, NONE))) {
      assertThat(EventPolicy.forBuild(row.before(), row.after())).as(row.before() + " -> " + row.after())
          .isEqualTo(row.expected());
    }
  }

  @Test
  void workflowTable() {
    record Row(WorkflowPhase before, WorkflowPhase after, Optional<String> expected) {}
    for (Row row : List.of(
        new Row(null, WorkflowPhase.Running, NONE),
        new Row(WorkflowPhase.Running, WorkflowPhase.OnHold, NONE),
        new Row(WorkflowPhase.OnHold, WorkflowPhase.Succeeded, NONE),
        new Row(WorkflowPhase.Running, WorkflowPhase.Canceled, NONE),
        new Row(WorkflowPhase.Running, WorkflowPhase.Failed, WARNING),
        new Row(null, WorkflowPhase.Failed, WARNING),
        new Row(WorkflowPhase.Failed, WorkflowPhase.Failed, NONE),
        new Row(WorkflowPhase.Running, null, NONE))) {
      assertThat(EventPolicy.forWorkflow(row.before(), row.after())).as(row.before() + " -> " + row.after())
          .isEqualTo(row.expected());
    }
  }
}
