package dev.circlet.config.compile;

import dev.circlet.config.PipelineContext;
import dev.circlet.config.logic.ValueLookup;
import dev.circlet.config.params.Scope;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import java.util.Map;

/** State shared by the compilers of one config: the trigger, pipeline parameters, names, messages and budget. */
public final class Compilation {
  final Diags diags;
  final PipelineContext ctx;
  final Map<String, YNode> pipelineParams;
  final Registry root;
  final Scope base;
  final ValueLookup values;
  final Budget budget;
  /** The config's {@code version} as written: 2, 2.0 or 2.1. */
  final String version;

  public Compilation(Diags diags, PipelineContext ctx, Map<String, YNode> pipelineParams, Registry root,
      Budget budget, String version) {
    this.version = version;
    this.diags = diags;
    this.ctx = ctx;
    this.pipelineParams = pipelineParams;
    this.root = root;
    this.budget = budget;
    this.base = Scope.pipelineOnly(ctx, pipelineParams, budget);
    this.values = name -> {
      if (name.startsWith("pipeline.parameters.")) {
        YNode v = pipelineParams.get(name.substring("pipeline.parameters.".length()));
        return v instanceof YScalar s ? s.value() : null;
      }
      return name.startsWith("pipeline.") ? ctx.value(name.substring("pipeline.".length())) : null;
    };
  }

  public Diags diags() {
    return diags;
  }

  public Registry root() {
    return root;
  }

  public ValueLookup values() {
    return values;
  }
}
