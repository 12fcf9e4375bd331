package dev.circlet.cli.config;

import dev.circlet.cli.LocalPipeline;
import dev.circlet.cli.OrbOptions;
import dev.circlet.cli.OrbSearchPath;
import dev.circlet.config.CompileResult;
import dev.circlet.config.ConfigSource;
import dev.circlet.config.Diagnostic;
import dev.circlet.config.PipelineContext;
import dev.circlet.config.orbs.OrbStore;
import dev.circlet.runner.local.LocalGit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
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

  @Option(names = "--revision", paramLabel = "SHA",
      description = "pipeline.git.revision (default: HEAD of the git repository holding the config).")
  String revision;

  @Option(names = "--project-slug", paramLabel = "SLUG",
      description = "pipeline.project.slug, e.g. gh/org/repo (default: from the git remote 'origin').")
  String projectSlug;

  /**
   * Pipeline values from the git repository holding the config and the flags; {@code branch} and
   * {@code tag} (either may be null) win over git's branch.
   */
  PipelineContext.Builder pipeline(String branch, String tag) {
    Path parent = file.toAbsolutePath().normalize().getParent();
    LocalGit.Info git = parent == null ? new LocalGit.Info(null, null, List.of(), null, null) : LocalGit.read(parent);
    return LocalPipeline.builder(LocalGit.trigger(git, branch, tag, revision), projectSlug);
  }

  /** Names, on {@code err}, each pipeline value the config uses that is unknown for this compile. */
  static void warnUnknownValues(ConfigSource source, PipelineContext ctx, PrintWriter err) {
    LocalPipeline.warnings(source.name(), source.text(), ctx).forEach(err::println);
    err.flush();
  }

  @Mixin OrbOptions registry;

  /**
   * Explicit directories first, then {@code orbs/} beside the config, then the environment's
   * ({@link OrbSearchPath}), then the orb registry through its cache.
   */
  OrbStore orbStore(Map<String, String> env) {
    return OrbSearchPath.store(orbDirs, file, env.get(OrbSearchPath.ENV), registry.store(env));
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
