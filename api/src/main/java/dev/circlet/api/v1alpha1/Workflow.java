package dev.circlet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One run of one workflow of a pipeline for one trigger: a graph of jobs that become Builds. */
@Group(CircletApi.GROUP)
@Version(CircletApi.VERSION)
@Singular("workflow")
@Plural("workflows")
@ShortNames({"cwf"})
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Pipeline", jsonPath = ".spec.pipeline", type = Type.STRING)
@AdditionalPrinterColumn(name = "Number", jsonPath = ".spec.pipelineNumber", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Workflow", jsonPath = ".spec.workflowName", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class Workflow extends CustomResource<WorkflowSpec, WorkflowStatus> implements Namespaced {
  public Workflow() {}

  @Override
  protected WorkflowStatus initStatus() {
    return new WorkflowStatus();
  }
}
