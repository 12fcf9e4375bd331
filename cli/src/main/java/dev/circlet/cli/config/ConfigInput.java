package dev.circlet.cli.config;

import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.Diagnostic;
import dev.circlet.cli.OrbSearchPath;
import dev.circlet.config.orbs.DirectoryOrbStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options shared by the config subcommands: the file and where registry orbs are vendored. */
public final class ConfigInput {
  @Parameters(index = "0", paramLabel = "FILE", description = "The config, e.g. .circleci/config.yml.")
  Path file;

  @Option(names = "--orb-dir", paramLabel = "DIR",
      description = "Orb store directory (<dir>/<namespace>/<orb>/<version>.yml); repeatable. "
          + "Always searched after these: 'orbs' next to the config, then $CIRCLET_ORB_DIR.")
  List<Path> orbDirs = new ArrayList<>();

  /** Explicit directories first, then {@code orbs/} beside the config, then the environment's ({@link OrbSearchPath}). */
  DirectoryOrbStore orbStore(String envValue) {
    return OrbSearchPath.store(orbDirs, file, envValue);
  }

  /** Reads the file; on failure prints one line and returns null. */
  ConfigSource read(PrintWriter err) {
    try {
      return new ConfigSource(file.toString(), java.nio.file.Files.readString(file));
    } catch (IOException e) {
      err.println(file + ": error: cannot read the config: " + e.getClass().getSimpleName() + " " + e.getMessage());
      return null;
    } catch (RuntimeException e) {
      err.println(file + ": error: the config is not valid UTF-8 text");
      return null;
    }
  }

  static void print(CompileResult r, PrintWriter err) {
    for (Diagnostic d : r.errors()) {
      err.println(d.format());
    }
    for (Diagnostic d : r.warnings()) {
      err.println(d.format());
    }
    err.flush();
  }
}
