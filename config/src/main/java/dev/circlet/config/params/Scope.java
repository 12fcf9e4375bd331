package dev.circlet.config.params;

import dev.circlet.config.PipelineContext;
import dev.circlet.config.yaml.YNode;
import java.util.Map;

/**
 * What {@code << >>} references may name at one place in a config. {@code parameters} is null
 * outside an element that declares parameters; {@code matrix} is null outside a matrix job entry.
 */
public record Scope(
    PipelineContext pipeline,
    Map<String, YNode> pipelineParameters,
    Map<String, YNode> parameters,
    Map<String, YNode> matrix,
    String owner) {

  public static Scope pipelineOnly(PipelineContext ctx, Map<String, YNode> pipelineParameters) {
    return new Scope(ctx, pipelineParameters, null, null, "the top level");
  }

  public Scope withParameters(Map<String, YNode> params, String owner) {
    return new Scope(pipeline, pipelineParameters, params, null, owner);
  }

  public Scope withMatrix(Map<String, YNode> values) {
    return new Scope(pipeline, pipelineParameters, parameters, values, owner);
  }
}
