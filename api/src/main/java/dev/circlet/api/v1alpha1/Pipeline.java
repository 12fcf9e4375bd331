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

/** A repository and its CircleCI config: pushes to it become Workflows. */
@Group(CircletApi.GROUP)
@Version(CircletApi.VERSION)
@Singular("pipeline")
@Plural("pipelines")
@ShortNames({"cpl"})
@AdditionalPrinterColumn(name = "Repository", jsonPath = ".spec.repository.url", type = Type.STRING)
@AdditionalPrinterColumn(name = "Organization", jsonPath = ".spec.organization", type = Type.STRING)
@AdditionalPrinterColumn(name = "Config Valid", jsonPath = ".status.conditions[?(@.type==\"ConfigValid\")].status", type = Type.STRING)
@AdditionalPrinterColumn(name = "Last", jsonPath = ".status.lastPipelineNumber", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class Pipeline extends CustomResource<PipelineSpec, PipelineStatus> implements Namespaced {
  public Pipeline() {}

  @Override
  protected PipelineStatus initStatus() {
    return new PipelineStatus();
  }
}
