package dev.circlet.gateway.trigger;

import dev.circlet.api.v1alpha1.Workflow;

/** Creates Workflow resources; an existing one with the same name is adopted when it belongs to the same run. */
public interface WorkflowSink {
  /** Creates {@code workflow}, or adopts the existing one if its run key annotation matches; else throws. */
  void createOrAdopt(Workflow workflow);
}
