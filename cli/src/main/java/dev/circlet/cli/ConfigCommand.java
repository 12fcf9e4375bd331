package dev.circlet.cli;

import dev.circlet.cli.config.ProcessCommand;
import dev.circlet.cli.config.ValidateCommand;
import picocli.CommandLine.Command;

/** {@code circlet config validate|process}. */
@Command(
    name = "config",
    description = "Validate or process a CircleCI config.",
    mixinStandardHelpOptions = true,
    subcommands = {ValidateCommand.class, ProcessCommand.class})
public final class ConfigCommand {}
