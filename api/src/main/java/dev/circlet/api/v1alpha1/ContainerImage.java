package dev.circlet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Map;

/** One image of a docker executor: the first is the primary container, the rest are services. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ContainerImage {
  @Required
  @JsonPropertyDescription("Image reference, may be pinned with @sha256:.")
  public String image;

  @JsonPropertyDescription("Host name of a service container on the pod network.")
  public String name;

  @JsonPropertyDescription("Entrypoint override.")
  public List<String> entrypoint;

  @JsonPropertyDescription("Command (arguments) override.")
  public List<String> command;

  @JsonPropertyDescription("User to run as, e.g. '1000' or 'circleci'.")
  public String user;

  @JsonPropertyDescription("Environment of this container.")
  public Map<String, String> environment;

  @JsonPropertyDescription("Name of a Secret holding registry credentials for this image.")
  public String pullSecret;

  public ContainerImage() {}

  public ContainerImage(String image) {
    this.image = image;
  }
}
