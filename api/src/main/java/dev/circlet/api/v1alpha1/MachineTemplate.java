package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/** The shape of a machine-executor VM. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MachineTemplate {
  /** The image key used when a job names no machine image. */
  public static final String DEFAULT_IMAGE = "default";

  @Required
  @JsonPropertyDescription("Virtual CPUs, a whole number, e.g. '2'.")
  public String cpu;

  @Required
  @JsonPropertyDescription("Guest memory, e.g. '8Gi'.")
  public String memory;

  @Default("20Gi")
  @JsonPropertyDescription("Scratch disk for the job, e.g. '50Gi'. Default 20Gi.")
  public String disk = "20Gi";

  @Default(DEFAULT_IMAGE)
  @JsonPropertyDescription("Key in the pool's images of the image warm VMs boot. Default 'default'.")
  public String image = DEFAULT_IMAGE;

  public MachineTemplate() {}

  public MachineTemplate(String cpu, String memory, String disk, String image) {
    this.cpu = cpu;
    this.memory = memory;
    this.disk = disk;
    this.image = image;
  }
}
