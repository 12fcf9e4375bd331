package dev.circlet.cli.run;

import dev.circlet.cli.LocalPipeline;
import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.PipelineContext;
import dev.circlet.config.model.CompiledWorkflow;
import dev.circlet.config.model.JobSpec;
import dev.circlet.runner.local.EngineChoice;
import dev.circlet.runner.local.LocalGit;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/**
 * Dynamic configuration in {@code circlet run}: the setup workflow runs with
 * {@code CIRCLE_CONTINUATION_KEY} and a continuation endpoint on loopback; once it finishes, the
 * run continues with the configuration and parameters its job sent (every workflow of it that runs
 * for this trigger), or ends with a message when no job continued.
 */
final class SetupPhase {
  private final LocalRun run;
  private final ConfigCompiler compiler;
  private final String pipelineId;
  private final Path project;

  SetupPhase(LocalRun run, ConfigCompiler compiler, String pipelineId, Path project) {
    this.run = run;
    this.compiler = compiler;
    this.pipelineId = pipelineId;
    this.project = project;
  }

  int run(LocalRun.Request req, LocalGit.Trigger git, EngineChoice engine, CompiledWorkflow setup,
      List<JobSpec> jobs) throws IOException, InterruptedException {
    if (engine.engine() != null) {
      run.err().println("circlet run: the setup workflow " + setup.name() + " continues the pipeline through an"
          + " endpoint on this machine's loopback, which jobs in containers cannot reach; run it with --engine shell");
      return 2;
    }
    String key = ContinuationGate.newKey(new SecureRandom());
    ContinuationGate gate = new ContinuationGate(key, project.getFileName() == null ? "local"
        : "local/" + project.getFileName());
    int setupCode;
    ContinuationGate.Continuation continuation;
    try (ContinuationEndpoint endpoint = ContinuationEndpoint.start(gate, key, project.resolve(".circlet"),
        run.environment())) {
      run.out().println("circlet: " + setup.name() + " is a setup workflow; its jobs continue the pipeline with"
          + " POST https://circleci.com/api/v2/pipeline/continue, which curl sends to " + endpoint.url());
      List<JobSpec> keyed = jobs.stream().map(j -> j.withEnvironment(endpoint.jobEnvironment())).toList();
      setupCode = run.runWorkflow(project, req, git, engine, setup.name(), keyed);
    } finally {
      // Whatever happened, nothing continues this pipeline after its setup workflow.
      continuation = gate.end();
    }
    if (continuation == null) {
      run.err().println("circlet run: the setup workflow " + setup.name() + " finished without continuing the"
          + " pipeline (no job posted to /api/v2/pipeline/continue), so the pipeline ends here");
      return setupCode;
    }
    run.out().println("circlet: the pipeline continues with the configuration " + setup.name() + " sent"
        + (continuation.parameters().isEmpty() ? "" : " and parameters " + continuation.parameters().keySet()));
    PipelineContext context = LocalPipeline.builder(git, req.projectSlug())
        .id(pipelineId)
        .triggerSource("api")
        .parameters(continuation.parameters())
        .build();
    String name = "continuation from " + setup.name();
    CompileResult result = run.compile(compiler, ConfigSource.of(name, continuation.configuration()), context, name);
    if (result == null) {
      run.err().println("circlet run: the configuration " + setup.name() + " continued with is not valid");
      return 2;
    }
    List<CompiledWorkflow> workflows = result.workflows();
    if (workflows.isEmpty()) {
      run.err().println("circlet run: the configuration " + setup.name()
          + " continued with has no workflow that runs for this trigger; the pipeline ends here");
      return setupCode;
    }
    int code = setupCode;
    for (CompiledWorkflow wf : workflows) {
      code = Math.max(code, run.runWorkflow(project, req, git, engine, wf.name(), wf.jobs()));
    }
    return code;
  }
}
