package dev.circlet.runner;

import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import dev.circlet.runner.cache.CacheKeyTemplate;
import dev.circlet.runner.env.JobEnvironment;
import dev.circlet.runner.env.PathResolver;
import dev.circlet.runner.mask.MaskingLineWriter;
import dev.circlet.runner.mask.SecretMasker;
import dev.circlet.runner.model.Jobs;
import dev.circlet.runner.model.Steps;
import dev.circlet.runner.shim.ShimDriver;
import dev.circlet.runner.shim.StepProcess;
import dev.circlet.runner.steps.SshKeys;
import dev.circlet.runner.steps.StorageSteps;
import dev.circlet.runner.steps.TestResultsStep;
import dev.circlet.runner.testing.JUnitReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs one job's steps in order through the shim: decides which steps run ({@code when}, halt,
 * cancellation), runs {@code run} steps in the primary, and does checkout, caches, workspaces,
 * artifacts and test results itself on the shared volumes.
 */
public final class JobRunner {
  private static final Duration DEFAULT_NO_OUTPUT = Duration.ofMinutes(10);

  private final JobContext ctx;
  private final JobLog log;
  private final ShimDriver shim;
  private final AtomicBoolean canceled = new AtomicBoolean();
  private final SecretMasker masker;
  private final List<Thread> background = new ArrayList<>();
  private final List<StepProcess> backgroundSteps = new ArrayList<>();
  private final AtomicBoolean stopBackground = new AtomicBoolean();
  private final List<JUnitReport.TestCase> tests = new ArrayList<>();
  private final List<String> artifacts = new ArrayList<>();

  public JobRunner(JobContext ctx, JobLog log, ShimDriver shim) {
    this.ctx = ctx;
    this.shim = shim;
    List<String> secrets = new ArrayList<>(ctx.secrets().values());
    secrets.addAll(ctx.maskOnly());
    this.masker = new SecretMasker(secrets);
    // every line the agent prints goes through the masker, not only the steps' output
    this.log = new MaskedJobLog(log, masker);
  }

  /** Stops the job: the running step's process group is killed and no further step starts. */
  public void cancel() {
    canceled.set(true);
  }

  public SecretMasker masker() {
    return masker;
  }

  /** Runs the job to its end. The shim must be ready. */
  public JobResult run() throws IOException {
    long start = System.nanoTime();
    JobSpec job = ctx.job();
    Path wd = PathResolver.expandHome(Jobs.workingDirectoryOrDefault(job), ctx.home());
    if (!wd.isAbsolute()) {
      wd = ctx.home().resolve(wd);
    }
    wd = wd.normalize();
    ctx.volume().ensureDir(wd);
    PathResolver paths = new PathResolver(ctx.home(), wd);
    Path bashEnv = ctx.shimDir().resolve("bash_env");
    if (!Files.exists(bashEnv, LinkOption.NOFOLLOW_LINKS)) {
      Files.createFile(bashEnv);
    }
    // made by the agent before the first step, so the primary cannot have planted links there yet
    Path legacyArtifacts = Files.createDirectories(ctx.shimDir().resolve("legacy/artifacts"));
    Path legacyReports = Files.createDirectories(ctx.shimDir().resolve("legacy/test-reports"));
    Map<String, String> builtIns = JobEnvironment.builtIns(ctx.build(), job, wd.toString(),
        ctx.home().toString(), bashEnv.toString(), legacyArtifacts.toString(), legacyReports.toString());
    JobEnvironment env = new JobEnvironment(ctx.secrets(), builtIns, job);

    ToolServer tools = new ToolServer(ctx.shimDir(), ctx.store(), ctx.volume(), job.name(), ctx.build().workflowId());
    AtomicBoolean running = new AtomicBoolean(true);
    Thread toolThread = Thread.ofVirtual().name("tools-" + job.name()).start(() -> {
      while (running.get()) {
        if (tools.poll() == 0) {
          sleepQuietly(5);
        }
      }
    });

    // archives in transit stay in the agent's own temp space, never on a volume the primary mounts
    Path scratch = Files.createTempDirectory("circlet-agent-");
    List<StepResult> results = new ArrayList<>();
    boolean failed = false;
    boolean timedOut = false;
    boolean halted = false;
    try {
      int n = 0;
      for (Step step : job.steps()) {
        n++;
        // a step name can hold a secret (a templated parameter): summaries and logs get the masked one
        String name = masker.mask(Steps.displayName(step));
        String when = Steps.whenOrDefault(step);
        boolean skip = canceled.get() || halted
            || (failed && when.equals("on_success"))
            || (!failed && when.equals("on_fail"))
            || ("deploy".equals(step.type()) && ctx.build().nodeIndex() != 0);
        if (skip) {
          StepResult r = new StepResult(n, name, canceled.get() ? "canceled" : "skipped", 0, 0);
          results.add(r);
          continue;
        }
        log.stepStarted(n, name);
        long t0 = System.nanoTime();
        MaskingLineWriter out = new MaskingLineWriter(masker, log.lines(n, name));
        StepResult r;
        try {
          r = execute(n, name, step, env, paths, out, scratch);
        } catch (IOException | IllegalArgumentException e) {
          say(out, "Error: " + e.getMessage());
          r = new StepResult(n, name, "failed", 0, 1);
        } finally {
          out.close();
        }
        r = new StepResult(n, name, r.status(), (System.nanoTime() - t0) / 1_000_000, r.exitCode());
        results.add(r);
        log.stepFinished(r);
        if (r.status().equals("timedout")) {
          timedOut = true;
        }
        if (!r.ok()) {
          failed = true;
        }
        if (shim.takeHalt()) {
          halted = true;
          log.notice(name, "circleci-agent step halt: the job ends here, successfully");
        }
      }
    } finally {
      stopBackgroundSteps();
      running.set(false);
      joinQuietly(toolThread);
      deleteTree(scratch);
    }
    String outcome = canceled.get() ? "canceled" : timedOut ? "timedout" : failed ? "failed" : "success";
    return new JobResult(job.name(), outcome, results, JUnitReport.Totals.of(tests), List.copyOf(artifacts),
        (System.nanoTime() - start) / 1_000_000);
  }

  private StepResult execute(int n, String name, Step step, JobEnvironment env, PathResolver paths,
      MaskingLineWriter out, Path scratch) throws IOException {
    Consumer<String> say = line -> say(out, line);
    String type = step.type() == null ? "" : step.type();
    StorageSteps storage = new StorageSteps(ctx.store(), paths, ctx.volume(), scratch, say);
    String node = ctx.job().name() + "." + ctx.build().nodeIndex();
    switch (type) {
      case "run", "deploy" -> {
        return runStep(n, name, step, env, paths, out);
      }
      case "checkout" -> say.accept(ctx.checkout().checkout(paths.resolve(step.path()), step.method()));
      case "save_cache" -> storage.saveCache(step, cacheValues(env, paths));
      case "restore_cache" -> storage.restoreCache(step, cacheValues(env, paths));
      case "persist_to_workspace" -> storage.persist(step, ctx.build().workflowId(), node + "-" + n);
      case "attach_workspace" -> storage.attach(step, ctx.build().workflowId(), ctx.upstreamJobs());
      case "store_artifacts" -> artifacts.addAll(storage.storeArtifacts(step,
          "artifacts/" + ctx.build().workflowId() + "/" + ctx.job().name() + "/" + ctx.build().nodeIndex() + "/"));
      case "store_test_results" -> tests.addAll(new TestResultsStep(ctx.store(), ctx.volume(), say).store(
          paths.resolve(step.path()), "test-results/" + ctx.build().workflowId() + "/" + ctx.job().name() + "/"
              + ctx.build().nodeIndex() + "/", ctx.job().name(), ctx.build().workflowId(),
          (report, xml) -> log.testReport(n, report, xml)));
      case "add_ssh_keys" -> SshKeys.install(ctx.sshKeysDir(), ctx.home(), ctx.volume(), Steps.fingerprints(step), say);
      case "setup_remote_docker" -> say.accept("setup_remote_docker: no remote Docker engine is available to this "
          + "job; DOCKER_HOST is not set and docker commands will fail");
      default -> throw new IllegalArgumentException("unknown step type: " + type);
    }
    return new StepResult(n, name, "success", 0, 0);
  }

  private StepResult runStep(int n, String name, Step step, JobEnvironment env, PathResolver paths,
      MaskingLineWriter out) throws IOException {
    if (step.command() == null || step.command().isBlank()) {
      throw new IllegalArgumentException("run step has no command");
    }
    String shell = Steps.shell(step, ctx.job());
    String script = (sourcesBashEnv(shell) ? BASH_ENV_PRELUDE : "") + step.command() + "\n";
    String cwd = paths.resolve(step.workingDirectory()).toString();
    Duration noOutput = step.noOutputTimeout() == null ? DEFAULT_NO_OUTPUT : parseDuration(step.noOutputTimeout());
    StepProcess p = shim.start(n, script, JobEnvironment.toShellExports(env.forStep(step)), cwd, shell);
    if (Steps.isBackground(step)) {
      backgroundSteps.add(p);
      background.add(Thread.ofVirtual().name("bg-" + n).start(() -> {
        try {
          StepProcess.Result r = p.await(out::write, null, stopBackground::get, ctx.killGrace());
          log.notice(name, "background step ended with exit code " + r.exitCode());
        } catch (IOException e) {
          log.notice(name, "lost the background step's output: " + e.getMessage());
        } finally {
          out.close();
        }
      }));
      return new StepResult(n, name, "success", 0, 0);
    }
    StepProcess.Result r = p.await(out::write, noOutput, canceled::get, ctx.killGrace());
    return switch (r.end()) {
      case EXITED -> new StepResult(n, name, r.exitCode() == 0 ? "success" : "failed", 0, r.exitCode());
      case CANCELED -> {
        say(out, "Step canceled");
        yield new StepResult(n, name, "canceled", 0, r.exitCode());
      }
      case NO_OUTPUT_TIMEOUT -> {
        say(out, "Too long with no output (exceeded " + step.noOutputTimeout() + "): the step was killed");
        yield new StepResult(n, name, "timedout", 0, r.exitCode());
      }
    };
  }

  /** POSIX shells do not read $BASH_ENV themselves (bash does, for non-interactive shells). */
  static final String BASH_ENV_PRELUDE =
      "if [ -z \"${BASH_VERSION:-}\" ] && [ -f \"${BASH_ENV:-}\" ]; then . \"$BASH_ENV\"; fi\n";

  static boolean sourcesBashEnv(String shell) {
    if (shell == null || shell.isBlank()) {
      return true;
    }
    String exe = shell.strip().split("\\s+")[0];
    String base = exe.substring(exe.lastIndexOf('/') + 1);
    return List.of("sh", "bash", "dash", "ash", "ksh", "zsh", "mksh").contains(base);
  }

  /** {@code \d+(\.\d+)?[smh]}, e.g. {@code 30s}, {@code 1.5m}, {@code 2h}. */
  public static Duration parseDuration(String s) {
    if (s == null || !s.strip().matches("\\d+(\\.\\d+)?[smh]")) {
      throw new IllegalArgumentException("no_output_timeout must look like 30s, 10m or 1.5h, got: " + s);
    }
    String t = s.strip();
    double v = Double.parseDouble(t.substring(0, t.length() - 1));
    double unit = switch (t.charAt(t.length() - 1)) {
      case 's' -> 1_000;
      case 'm' -> 60_000;
      default -> 3_600_000;
    };
    return Duration.ofMillis((long) (v * unit));
  }

  private CacheKeyTemplate.Values cacheValues(JobEnvironment env, PathResolver paths) {
    return new CacheKeyTemplate.Values(ctx.build().branch(), ctx.build().revision(), ctx.build().buildNum(),
        env.jobLevel(), p -> ctx.volume().open(paths.resolve(p)), System.currentTimeMillis() / 1000,
        CacheKeyTemplate.arch(System.getProperty("os.name"), System.getProperty("os.arch")));
  }

  private void stopBackgroundSteps() {
    stopBackground.set(true);
    for (Thread t : background) {
      joinQuietly(t);
    }
  }

  private void say(MaskingLineWriter out, String line) {
    byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
    out.write(b, 0, b.length);
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // leftovers in the temp directory do not change the job's outcome
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
