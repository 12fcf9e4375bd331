package dev.circlet.cli.config;

import dev.circlet.config.BoundedCompiler;
import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.ConfigProcessor;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.PipelineContext;
import dev.circlet.config.model.CompiledWorkflow;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code circlet config process FILE}: prints the processed config (YAML), like
 * {@code circleci config process}. Without a trigger every workflow is printed with its job
 * {@code filters} and its {@code when}, {@code unless} and {@code triggers}, for the trigger to
 * decide; with {@code --branch}, {@code --tag}, {@code --schedule} or {@code --cron} only what
 * runs for that trigger is printed.
 */
@Command(name = "process", mixinStandardHelpOptions = true,
    description = "Print the config with orbs, commands, executors, parameters and matrices expanded.")
public final class ProcessCommand implements Callable<Integer> {
  @Mixin ConfigInput input;

  @Spec CommandSpec spec;

  @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A pipeline parameter; repeatable.")
  Map<String, String> params = new LinkedHashMap<>();

  /** A push is a branch or a tag, never both. */
  static final class Trigger {
    @Option(names = "--branch", paramLabel = "BRANCH", description = "Compile for a push to this branch.")
    String branch;

    @Option(names = "--tag", paramLabel = "TAG", description = "Compile for a push of this tag.")
    String tag;
  }

  @ArgGroup(exclusive = true)
  Trigger trigger;

  @Option(names = "--workflow", paramLabel = "NAME", description = "Print only this workflow.")
  String workflow;

  @Option(names = "--trigger-source", paramLabel = "SOURCE",
      description = "pipeline.trigger_source: webhook (default), api, scheduled_pipeline.")
  String triggerSource;

  @Option(names = "--schedule", paramLabel = "NAME",
      description = "A scheduled pipeline of this name (pipeline.schedule.name); a workflow of this name with "
          + "'triggers' runs. Implies --trigger-source scheduled_pipeline.")
  String schedule;

  @Option(names = "--cron", paramLabel = "CRON",
      description = "A scheduled pipeline firing on this cron: the workflows whose 'triggers' schedule it run. "
          + "Implies --trigger-source scheduled_pipeline.")
  String cron;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConfigSource source = input.read(err);
    if (source == null) {
      return 1;
    }
    boolean triggered = trigger != null || triggerSource != null || schedule != null || cron != null;
    PipelineContext.Builder ctx = input.pipeline(trigger == null ? null : trigger.branch,
        trigger == null ? null : trigger.tag).parameters(params);
    if (triggerSource != null) {
      ctx.triggerSource(triggerSource);
    } else if (schedule != null || cron != null) {
      ctx.triggerSource("scheduled_pipeline");
    }
    if (schedule != null) {
      ctx.schedule(schedule);
    }
    if (cron != null) {
      ctx.cron(cron);
    }
    PipelineContext context = ctx.build();
    ConfigCompiler compiler = new ConfigCompiler(input.orbStore(System.getenv()));
    CompileResult r;
    try (BoundedCompiler bounded = new BoundedCompiler(1)) {
      r = triggered ? bounded.compile(compiler, source, context) : bounded.validate(compiler, source, context);
    }
    ConfigInput.print(r, err);
    if (!r.ok()) {
      return 1;
    }
    ConfigInput.warnUnknownValues(source, context, err);
    List<CompiledWorkflow> shown = r.workflows();
    if (workflow != null) {
      if (!r.workflowNames().contains(workflow)) {
        err.println(source.name() + ": error: no workflow named '" + workflow + "' (defined: "
            + String.join(", ", r.workflowNames()) + ")");
        return 1;
      }
      shown = shown.stream().filter(w -> w.name().equals(workflow)).toList();
    }
    out.print(ConfigProcessor.process(shown, !triggered));
    out.flush();
    return 0;
  }
}
