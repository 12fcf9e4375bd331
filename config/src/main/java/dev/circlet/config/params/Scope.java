package dev.circlet.config.params;

import dev.circlet.config.PipelineContext;
import dev.circlet.config.compile.Budget;
import dev.circlet.config.yaml.YNode;
import java.util.Map;

/**
 * What {@code << >>} references may name at one place in a config. {@code parameters} is null
 * outside an element that declares parameters; {@code matrix} is null outside a matrix job entry.
 * {@code budget} is the compile's, charged for the text substitution builds.
 */
public record Scope(
    PipelineContext pipeline,
    Map<String, YNode> pipelineParameters,
    Map<String, YNode> parameters,
    Map<String, YNode> matrix,
    String owner,
    Budget budget) {

  public static Scope pipelineOnly(PipelineContext ctx, Map<String, YNode> pipelineParameters, Budget budget) {
    return new Scope(ctx, pipelineParameters, null, null, "the top level", budget);
  }

  public Scope withParameters(Map<String, YNode> params, String owner) {
    return new Scope(pipeline, pipelineParameters, params, null, owner, budget);
  }

  public Scope withMatrix(Map<String, YNode> values) {
    return new Scope(pipeline, pipelineParameters, parameters, values, owner, budget);
  }
}
