package dev.circlet.cli;

import dev.circlet.cli.remote.LogsCommand;
import dev.circlet.cli.remote.RemoteCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code circlet} command. */
@Command(
    name = "circlet",
    mixinStandardHelpOptions = true,
    version = "circlet 0.1.0",
    description = "Circlet: run and check CircleCI 2.1 configs, and drive a Circlet gateway.",
    subcommands = {ConfigCommand.class, RunCommand.class, OrbCommand.class, RemoteCommands.Login.class,
        RemoteCommands.Trigger.class, RemoteCommands.Runs.class, RemoteCommands.Builds.class,
        RemoteCommands.Approve.class, RemoteCommands.Cancel.class, RemoteCommands.Rerun.class, LogsCommand.class})
public final class Circlet implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Circlet()).execute(args));
  }
}
