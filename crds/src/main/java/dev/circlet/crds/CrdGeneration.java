package dev.circlet.crds;

import dev.circlet.api.v1alpha1.Build;
import dev.circlet.api.v1alpha1.MachinePool;
import dev.circlet.api.v1alpha1.Organization;
import dev.circlet.api.v1alpha1.Pipeline;
import dev.circlet.api.v1alpha1.ResourceClass;
import dev.circlet.api.v1alpha1.Workflow;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Generates the CustomResourceDefinition YAML of every Circlet resource from circlet-api. */
public final class CrdGeneration {
  /** Every custom resource class Circlet serves. */
  public static final List<Class<?>> RESOURCES =
      List.of(Pipeline.class, Workflow.class, Build.class, Organization.class, ResourceClass.class,
          MachinePool.class);

  private CrdGeneration() {}

  /** Writes one {@code <plural>.<group>-v1.yml} file per resource into {@code dir}. */
  @SuppressWarnings("unchecked")
  public static void generate(Path dir) throws IOException {
    Files.createDirectories(dir);
    CRDGenerator generator =
        new CRDGenerator().forCRDVersions("v1").inOutputDir(dir.toFile()).withParallelGenerationEnabled(false);
    for (Class<?> c : RESOURCES) {
      generator.customResourceClasses((Class) c);
    }
    generator.detailedGenerate();
    for (Class<?> c : RESOURCES) {
      orderPrinterColumns(dir, c);
    }
  }

  /**
   * The generator sorts printer columns by name; kubectl shows them in list order, so restore the
   * order in which the resource class declares them (Phase first, Age last).
   */
  private static void orderPrinterColumns(Path dir, Class<?> resource) throws IOException {
    String plural = HasMetadata.getPlural(resource.asSubclass(HasMetadata.class));
    String group = HasMetadata.getGroup(resource.asSubclass(HasMetadata.class));
    Path file = dir.resolve(plural + "." + group + "-v1.yml");
    String original = Files.readString(file);
    CustomResourceDefinition crd = Serialization.unmarshal(original, CustomResourceDefinition.class);
    List<String> declared =
        Arrays.stream(resource.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns = new ArrayList<>(version.getAdditionalPrinterColumns());
      columns.sort(Comparator.comparingInt(col -> declared.indexOf(col.getName())));
      version.setAdditionalPrinterColumns(columns);
    }
    String header = original.substring(0, original.indexOf('\n') + 1);
    Files.writeString(file, header + Serialization.asYaml(crd));
  }

  /** {@code java dev.circlet.crds.CrdGeneration DIR}: regenerates the committed CRDs. */
  public static void main(String[] args) throws IOException {
    generate(Path.of(args.length > 0 ? args[0] : "crds/generated"));
  }
}
