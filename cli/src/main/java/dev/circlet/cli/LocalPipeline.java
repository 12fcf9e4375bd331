package dev.circlet.cli;

import dev.circlet.config.PipelineContext;
import dev.circlet.config.PipelineValues;
import dev.circlet.runner.local.LocalGit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pipeline values for compiling on this machine: revision, branch or tag and repository URL from
 * the local git repository (flags win), project slug and type from the flag or the URL. Values a
 * config uses that stay unknown are named in warnings rather than substituted empty unseen.
 */
public final class LocalPipeline {
  private static final Map<String, String> HOW = Map.of(
      "pipeline.git.revision", "run inside a git repository or pass --revision",
      "pipeline.git.branch", "pass --branch",
      "pipeline.id", "only a pipeline run has one",
      "pipeline.number", "only a pipeline run has one",
      "pipeline.project.slug", "pass --project-slug (e.g. gh/org/repo) or add a git remote 'origin'",
      "pipeline.project.git_url", "add a git remote 'origin'",
      "pipeline.project.type", "pass --project-slug (gh/, gl/ or bb/) or add a git remote 'origin'");

  private LocalPipeline() {}

  /** The values of {@code git} with the slug flag (may be null); the caller adds the trigger source and parameters. */
  public static PipelineContext.Builder builder(LocalGit.Trigger git, String slugFlag) {
    PipelineContext.Builder b = PipelineContext.builder();
    if (git.revision() != null) {
      b.revision(git.revision());
    }
    if (git.tag() != null) {
      b.tag(git.tag());
    } else if (git.branch() != null) {
      b.branch(git.branch());
    }
    if (git.remoteUrl() != null) {
      b.projectUrl(git.remoteUrl());
    }
    String slug = slugFlag != null && !slugFlag.isBlank() ? slugFlag.strip()
        : PipelineValues.projectSlug(git.remoteUrl());
    if (slug != null) {
      b.projectSlug(slug);
    }
    String type = PipelineValues.projectType(git.remoteUrl());
    if (type == null && slug != null) {
      type = typeOfSlug(slug);
    }
    if (type != null) {
      b.value("project.type", type);
    }
    return b;
  }

  /** github, gitlab or bitbucket for a slug's gh/, gl/ or bb/ prefix (long forms too); null otherwise. */
  static String typeOfSlug(String slug) {
    String prefix = slug.contains("/") ? slug.substring(0, slug.indexOf('/')) : "";
    return switch (prefix) {
      case "gh", "github" -> "github";
      case "gl", "gitlab" -> "gitlab";
      case "bb", "bitbucket" -> "bitbucket";
      default -> null;
    };
  }

  /** One {@code FILE: warning: ...} line for each pipeline value the config uses that is unknown here. */
  public static List<String> warnings(String file, String configText, PipelineContext ctx) {
    List<String> out = new ArrayList<>();
    for (String name : PipelineValues.unknownUsed(configText, ctx)) {
      out.add(file + ": warning: " + name + " is unknown here and substitutes as empty (" + HOW.get(name) + ")");
    }
    return out;
  }
}
