package dev.circlet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A tenant and its plan: how many Builds it may run at once and its share of free capacity. */
@Group(CircletApi.GROUP)
@Version(CircletApi.VERSION)
@Singular("organization")
@Plural("organizations")
@ShortNames({"corg"})
@AdditionalPrinterColumn(name = "Max", jsonPath = ".spec.maxConcurrentBuilds", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Running", jsonPath = ".status.running", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Queued", jsonPath = ".status.queued", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Weight", jsonPath = ".spec.weight", type = Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class Organization extends CustomResource<OrganizationSpec, OrganizationStatus> {
  public Organization() {}

  @Override
  protected OrganizationStatus initStatus() {
    return new OrganizationStatus();
  }
}
