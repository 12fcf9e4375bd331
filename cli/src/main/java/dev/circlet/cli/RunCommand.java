package dev.circlet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code circlet run}: runs a project's workflow on this machine. */
@Command(name = "run", description = "Run a workflow of .circleci/config.yml on this machine.")
public final class RunCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
