package dev.circlet.cli;

import picocli.CommandLine.Command;

/** {@code circlet config validate|process}. */
@Command(name = "config", description = "Validate or process a CircleCI config.")
public final class ConfigCommand {}
