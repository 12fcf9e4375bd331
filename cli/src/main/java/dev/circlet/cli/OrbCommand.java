package dev.circlet.cli;

import dev.circlet.cli.orb.VendorCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code circlet orb}: registry orbs. */
@Command(name = "orb", mixinStandardHelpOptions = true, description = "Registry orbs.",
    subcommands = {VendorCommand.class})
public final class OrbCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
