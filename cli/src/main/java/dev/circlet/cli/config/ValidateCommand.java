package dev.circlet.cli.config;

import dev.circlet.config.BoundedCompiler;
import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.PipelineContext;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code circlet config validate FILE}: exit 0 when valid, 1 when not; messages as FILE:LINE:COL. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check a config: every workflow and job, whatever the trigger. Exit 0 valid, 1 invalid.")
public final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigInput input;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConfigSource source = input.read(err);
    if (source == null) {
      return 1;
    }
    CompileResult r;
    PipelineContext ctx = input.pipeline(null, null).build();
    try (BoundedCompiler bounded = new BoundedCompiler(1)) {
      r = bounded.validate(new ConfigCompiler(input.orbStore(System.getenv())), source, ctx);
    }
    ConfigInput.print(r, err);
    if (r.ok()) {
      ConfigInput.warnUnknownValues(source, ctx, err);
    }
    if (!r.ok()) {
      err.println(source.name() + ": invalid (" + r.errors().size() + " error" + (r.errors().size() == 1 ? "" : "s") + ")");
      return 1;
    }
    out.println(source.name() + ": valid (workflows: " + String.join(", ", r.workflowNames()) + ")");
    out.flush();
    return 0;
  }
}
