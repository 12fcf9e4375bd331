package dev.circlet.config.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A compiled executor: {@code kind} docker, machine or macos; images for docker, a VM image otherwise. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Executor(String kind, List<ContainerImage> images, String machineImage) {
  public Executor {
    images = images == null ? List.of() : List.copyOf(images);
  }
}
