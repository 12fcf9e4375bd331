package dev.circlet.runner.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The executor of a job: docker images, or a machine/macos VM image. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExecutorDef(String kind, List<ImageDef> images, String machineImage) {
  public ExecutorDef {
    kind = kind == null ? "docker" : kind;
    images = images == null ? List.of() : List.copyOf(images);
  }
}
