package dev.circlet.cli.run;

import dev.circlet.cli.LocalPipeline;
import dev.circlet.cli.OrbSearchPath;
import dev.circlet.config.BoundedCompiler;
import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigCompiler;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.Diagnostic;
import dev.circlet.config.PipelineContext;
import dev.circlet.config.SetupConfig;
import dev.circlet.config.model.CompiledWorkflow;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.runner.local.EngineChoice;
import dev.circlet.runner.local.ErrorText;
import dev.circlet.runner.local.JobOutcome;
import dev.circlet.runner.local.LocalGit;
import dev.circlet.runner.local.LocalWorkflowRunner;
import dev.circlet.runner.store.ScopedBlobStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code circlet run}: compiles {@code PATH/.circleci/config.yml}, picks a workflow (or one job) and runs it locally. */
public final class LocalRun {
  /**
   * What the user asked for.
   *
   * @param branch, tag, revision flags; null to take them from git ({@link LocalGit#trigger})
   * @param engine docker, podman, shell, or null to use an engine that answers, else the shell
   * @param projectSlug pipeline.project.slug, or null to derive it from git's remote 'origin'
   * @param registry where orbs that are not vendored come from (the registry through its cache), or null for none
   */
  public record Request(Path project, String workflow, String job, Map<String, String> params,
      Map<String, String> env, int maxParallel, List<Path> orbDirs, String branch, String tag, String revision,
      String engine, int keepRuns, String projectSlug, OrbStore registry) {
    /** A request whose project slug comes from git. */
    public Request(Path project, String workflow, String job, Map<String, String> params, Map<String, String> env,
        int maxParallel, List<Path> orbDirs, String branch, String tag, String revision, String engine, int keepRuns) {
      this(project, workflow, job, params, env, maxParallel, orbDirs, branch, tag, revision, engine, keepRuns, null,
          null);
    }

    /** Defaults for everything but the selection. */
    public Request(Path project, String workflow, String job, Map<String, String> params, Map<String, String> env,
        int maxParallel) {
      this(project, workflow, job, params, env, maxParallel, List.of(), null, null, null, null,
          LocalWorkflowRunner.DEFAULT_KEEP_RUNS);
    }
  }

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> environment;

  /** @param environment this process's environment: {@code PATH} (engines) and {@code CIRCLET_ORB_DIR} */
  public LocalRun(PrintStream out, PrintStream err, Map<String, String> environment) {
    this.out = out;
    this.err = err;
    this.environment = Map.copyOf(environment);
  }

  /** Runs and returns the exit code: 0 only when every job succeeded. */
  public int run(Request req) throws IOException, InterruptedException {
    Path project = req.project().toAbsolutePath().normalize();
    Path configFile = project.resolve(".circleci/config.yml");
    if (!Files.isRegularFile(configFile)) {
      err.println("circlet run: no .circleci/config.yml under " + project);
      return 2;
    }
    if (req.keepRuns() < 1) {
      err.println("circlet run: --keep-runs must be at least 1, got " + req.keepRuns());
      return 2;
    }
    LocalGit.Trigger git;
    try {
      git = LocalGit.resolve(project, req.branch(), req.tag(), req.revision());
    } catch (IllegalArgumentException e) {
      err.println("circlet run: " + e.getMessage());
      return 2;
    }
    if (git.notice() != null) {
      err.println("circlet run: " + git.notice());
    }
    // Each local run is a pipeline of its own, so it gets a fresh id.
    String pipelineId = java.util.UUID.randomUUID().toString();
    PipelineContext.Builder pc = LocalPipeline.builder(git, req.projectSlug())
        .id(pipelineId)
        .triggerSource("api")
        .parameters(req.params());
    ConfigCompiler compiler = new ConfigCompiler(
        req.registry() == null ? OrbSearchPath.store(req.orbDirs(), configFile, environment.get(OrbSearchPath.ENV))
            : OrbSearchPath.store(req.orbDirs(), configFile, environment.get(OrbSearchPath.ENV), req.registry()));
    ConfigSource source = ConfigSource.read(configFile);
    PipelineContext context = pc.build();
    CompileResult result = compile(compiler, source, context, configFile.toString());
    if (result == null) {
      return 2;
    }
    CompiledWorkflow wf = pick(result, req.workflow());
    if (wf == null) {
      return 2;
    }
    List<JobSpec> jobs = wf.jobs();
    if (req.job() != null) {
      JobSpec only = jobs.stream().filter(j -> j.name().equals(req.job())).findFirst().orElse(null);
      if (only == null) {
        err.println("circlet run: workflow " + wf.name() + " has no job " + req.job() + "; jobs: "
            + String.join(", ", jobs.stream().map(JobSpec::name).toList()));
        return 2;
      }
      jobs = List.of(only.withRequires(List.of()));
    }
    EngineChoice engine;
    try {
      engine = EngineChoice.choose(req.engine(), environment.get("PATH"));
    } catch (IllegalArgumentException e) {
      err.println("circlet run: " + e.getMessage());
      return 2;
    }
    if (engine.notice() != null) {
      out.println("circlet: " + engine.notice());
    }
    if (!SetupConfig.isSetup(source.text())) {
      return runWorkflow(project, req, git, engine, wf.name(), jobs);
    }
    return new SetupPhase(this, compiler, pipelineId, project).run(req, git, engine, wf, jobs);
  }

  /** Runs one workflow's jobs, prints its summary, and returns 0 when every job succeeded, 1 or 2 otherwise. */
  int runWorkflow(Path project, Request req, LocalGit.Trigger git, EngineChoice engine, String name,
      List<JobSpec> jobs) throws IOException, InterruptedException {
    LocalWorkflowRunner runner = new LocalWorkflowRunner(new LocalWorkflowRunner.Options(project,
        req.maxParallel(), req.env(), (OutputStream) out, Duration.ofSeconds(3), git, engine.engine(),
        req.keepRuns()));
    // Ctrl-C: stop the running steps and let the jobs record it before the JVM exits
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      err.println("circlet run: canceling the running jobs");
      runner.cancel();
      try {
        finished.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    List<JobOutcome> outcomes;
    try {
      outcomes = runner.run(jobs);
    } catch (IllegalArgumentException e) {
      err.println("circlet run: " + ErrorText.shorten(e.getMessage()));
      finished.countDown();
      return 2;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is running
      }
    }
    try {
      out.flush();
      out.print(SummaryTable.render(name, outcomes));
      out.println("Logs, artifacts and test results: " + runner.runDir() + " and "
          + project.resolve(".circlet/store").resolve(ScopedBlobStore.localScope(project)));
      boolean ok = outcomes.stream().allMatch(JobOutcome::success);
      out.println("Workflow " + name + (ok ? " succeeded" : " failed"));
      out.flush();
      return ok ? 0 : 1;
    } finally {
      finished.countDown();
    }
  }

  /** Compiles {@code source} for {@code context}, printing warnings and errors; null when it has errors. */
  CompileResult compile(ConfigCompiler compiler, ConfigSource source, PipelineContext context, String file) {
    CompileResult result;
    try (BoundedCompiler bounded = new BoundedCompiler(1)) {
      result = bounded.compile(compiler, source, context);
    }
    for (Diagnostic w : result.warnings()) {
      err.println(w.format());
    }
    LocalPipeline.warnings(file, source.text(), context).forEach(err::println);
    if (!result.ok()) {
      for (Diagnostic e : result.errors()) {
        err.println(e.format());
      }
      return null;
    }
    return result;
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  Map<String, String> environment() {
    return environment;
  }

  private CompiledWorkflow pick(CompileResult result, String name) {
    List<String> names = new ArrayList<>();
    result.workflows().forEach(w -> names.add(w.name()));
    if (name != null) {
      CompiledWorkflow w = result.workflow(name);
      if (w == null) {
        err.println("circlet run: no workflow " + name + " runs for this trigger; workflows: "
            + (names.isEmpty() ? "(none)" : String.join(", ", names)));
      }
      return w;
    }
    if (names.size() == 1) {
      return result.workflows().get(0);
    }
    err.println(names.isEmpty() ? "circlet run: the config has no workflow that runs for this trigger"
        : "circlet run: the config has several workflows; choose one with --workflow: " + String.join(", ", names));
    return null;
  }
}
