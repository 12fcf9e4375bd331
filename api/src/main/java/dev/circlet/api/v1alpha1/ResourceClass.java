package dev.circlet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Maps a CircleCI resource_class name ({@code medium}, {@code arm.large}, …) to CPU, memory and
 * the node pool that runs it. The object's name is the resource class name.
 */
@Group(CircletApi.GROUP)
@Version(CircletApi.VERSION)
@Singular("resourceclass")
@Plural("resourceclasses")
@ShortNames({"crc", "rclass"})
@AdditionalPrinterColumn(name = "Executor", jsonPath = ".spec.executor", type = Type.STRING)
@AdditionalPrinterColumn(name = "CPU", jsonPath = ".spec.cpu", type = Type.STRING)
@AdditionalPrinterColumn(name = "Memory", jsonPath = ".spec.memory", type = Type.STRING)
@AdditionalPrinterColumn(name = "Node Pool", jsonPath = ".spec.nodePool", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ResourceClass extends CustomResource<ResourceClassSpec, Void> {
  public ResourceClass() {}
}
