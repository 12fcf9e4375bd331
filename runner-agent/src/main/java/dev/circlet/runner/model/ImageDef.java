package dev.circlet.runner.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** One docker image of a job's executor; the first is the primary container. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageDef(String image, String name, Map<String, String> environment) {
  public ImageDef {
    environment = environment == null ? Map.of() : Map.copyOf(environment);
  }
}
