package dev.circlet.config.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** One docker image of an executor: the first is the primary container, the rest are services. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ContainerImage(
    String image,
    String name,
    List<String> entrypoint,
    List<String> command,
    String user,
    Map<String, String> environment) {}
