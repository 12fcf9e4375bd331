package dev.circlet.cli;

import dev.circlet.cli.run.LocalRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Override
  public Integer call() {
    int max = parallel != null ? parallel : Math.max(2, Runtime.getRuntime().availableProcessors());
    try {
      return new LocalRun(System.out, System.err)
          .run(new LocalRun.Request(path, workflow, job, params, env, max));
    } catch (IOException e) {
      System.err.println("circlet run: " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
