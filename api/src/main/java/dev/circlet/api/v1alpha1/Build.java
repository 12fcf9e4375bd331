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

/** One run of one job: admitted against its Organization's capacity and run as a Pod. */
@Group(CircletApi.GROUP)
@Version(CircletApi.VERSION)
@Singular("build")
@Plural("builds")
@ShortNames({"cb", "cbuild"})
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Job", jsonPath = ".spec.job.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Organization", jsonPath = ".spec.organization", type = Type.STRING)
@AdditionalPrinterColumn(name = "Node Pool", jsonPath = ".status.nodePool", type = Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.reason", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class Build extends CustomResource<BuildSpec, BuildStatus> implements Namespaced {
  public Build() {}

  @Override
  protected BuildStatus initStatus() {
    return new BuildStatus();
  }
}
