package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** The compiled executor of a job. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Executor {
  @Required
  @JsonPropertyDescription("docker, machine or macos.")
  public ExecutorKind kind = ExecutorKind.DOCKER;

  @JsonPropertyDescription("docker: images; the first is the primary container.")
  public List<ContainerImage> images = new ArrayList<>();

  @JsonPropertyDescription("machine/macos: VM image, e.g. 'ubuntu-2204:current'.")
  public String machineImage;

  public Executor() {}

  public static Executor docker(String... images) {
    Executor e = new Executor();
    for (String i : images) {
      e.images.add(new ContainerImage(i));
    }
    return e;
  }
}
