package dev.circlet.cli;

import dev.circlet.cli.run.LocalRun;
import dev.circlet.runner.local.LocalWorkflowRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code circlet run}: runs a project's workflow on this machine. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run a workflow of .circleci/config.yml on this machine.")
public final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", defaultValue = ".", description = "Project directory (default: .)")
  Path path;

  @Option(names = "--workflow", description = "Workflow to run (required when the config has several).")
  String workflow;

  @Option(names = "--job", description = "Run only this job of the workflow, without its requirements.")
  String job;

  @Option(names = "--param", description = "Pipeline parameter k=v (repeatable).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = {"-e", "--env"}, description = "Secret environment variable K=V for every job, masked in output.")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--parallel", description = "Jobs run at once (default: number of CPUs, at least 2).")
  Integer parallel;

  @Option(names = "--orb-dir", paramLabel = "DIR",
      description = "Orb store directory (<dir>/<namespace>/<orb>/<version>.yml); repeatable. "
          + "Searched before .circleci/orbs, then $CIRCLET_ORB_DIR.")
  List<Path> orbDirs = new ArrayList<>();

  /** A push is a branch or a tag, never both. */
  static final class Push {
    @Option(names = "--branch", paramLabel = "BRANCH",
        description = "Branch to compile and run for (default: git's branch; on a detached HEAD the branch pointing at it).")
    String branch;

    @Option(names = "--tag", paramLabel = "TAG", description = "Compile and run for a push of this tag.")
    String tag;
  }

  @ArgGroup(exclusive = true)
  Push push;

  @Option(names = "--revision", paramLabel = "SHA", description = "Revision the jobs see (default: git's HEAD).")
  String revision;

  @Option(names = "--project-slug", paramLabel = "SLUG",
      description = "pipeline.project.slug, e.g. gh/org/repo (default: from the git remote 'origin').")
  String projectSlug;

  @Mixin OrbOptions registry;

  @Option(names = "--engine", paramLabel = "ENGINE",
      description = "Where jobs run: docker, podman or shell (default: an engine that answers, else shell).")
  String engine;

  @Option(names = "--keep-runs", paramLabel = "N",
      description = "Runs whose logs .circlet/runs keeps, this one included (default: "
          + LocalWorkflowRunner.DEFAULT_KEEP_RUNS + ").")
  int keepRuns = LocalWorkflowRunner.DEFAULT_KEEP_RUNS;

  @Override
  public Integer call() {
    int max = parallel != null ? parallel : Math.max(2, Runtime.getRuntime().availableProcessors());
    try {
      return new LocalRun(System.out, System.err, System.getenv())
          .run(new LocalRun.Request(path, workflow, job, params, env, max, orbDirs,
              push == null ? null : push.branch, push == null ? null : push.tag, revision, engine, keepRuns, projectSlug,
              registry.store(System.getenv())));
    } catch (IOException e) {
      System.err.println("circlet run: " + dev.circlet.runner.local.ErrorText.shorten(e.getMessage()));
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
