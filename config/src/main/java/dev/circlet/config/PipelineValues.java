package dev.circlet.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline values a trigger must supply ({@code pipeline.git.revision}, {@code pipeline.id},
 * {@code pipeline.project.slug}, ...): derived from a repository URL where CircleCI derives them,
 * and named when a config uses one that is unknown, so none is ever substituted empty unseen.
 */
public final class PipelineValues {
  /** The values, without the {@code pipeline.} prefix, that a real trigger always has. */
  public static final List<String> REQUIRED = List.of("git.revision", "git.branch", "id", "number", "project.slug",
      "project.git_url", "project.type");

  private static final Pattern SCP = Pattern.compile("^[^@/]+@([^:/]+):(.+?)(?:\\.git)?/?$");
  private static final Pattern URL = Pattern.compile("^[a-z+]+://(?:[^@/]+@)?([^/:]+)(?::\\d+)?/(.+?)(?:\\.git)?/?$");

  private PipelineValues() {}

  /** github, gitlab or bitbucket for a repository URL of those hosts; null for any other host. */
  public static String projectType(String gitUrl) {
    String host = host(gitUrl);
    if (host == null) {
      return null;
    }
    if (host.equals("github.com") || host.endsWith(".github.com")) {
      return "github";
    }
    if (host.equals("gitlab.com") || host.startsWith("gitlab.")) {
      return "gitlab";
    }
    if (host.equals("bitbucket.org") || host.startsWith("bitbucket.")) {
      return "bitbucket";
    }
    return null;
  }

  /** CircleCI's project slug for a repository URL: gh/org/repo, gl/group/repo or bb/team/repo; null when unknown. */
  public static String projectSlug(String gitUrl) {
    String type = projectType(gitUrl);
    String path = path(gitUrl);
    if (type == null || path == null || !path.contains("/")) {
      return null;
    }
    String prefix = switch (type) {
      case "github" -> "gh";
      case "gitlab" -> "gl";
      default -> "bb";
    };
    return prefix + "/" + path;
  }

  /**
   * The required values {@code configText} uses ({@code pipeline.<name>}) that {@code ctx} leaves
   * empty (or zero, for the number), as {@code pipeline.<name>}, in {@link #REQUIRED} order.
   */
  public static List<String> unknownUsed(String configText, PipelineContext ctx) {
    List<String> out = new ArrayList<>();
    for (String key : REQUIRED) {
      Object v = ctx.value(key);
      boolean unknown = v == null || "".equals(v) || Long.valueOf(0).equals(v);
      if (unknown && uses(configText, "pipeline." + key)) {
        out.add("pipeline." + key);
      }
    }
    return out;
  }

  /** Whether the text names the value itself (pipeline.git.branch, not pipeline.git.branch.is_default). */
  static boolean uses(String text, String name) {
    Matcher m = Pattern.compile(Pattern.quote(name) + "(?![A-Za-z0-9_.-])").matcher(text);
    return m.find();
  }

  private static String host(String url) {
    Matcher m = match(url);
    return m == null ? null : m.group(1).toLowerCase(java.util.Locale.ROOT);
  }

  private static String path(String url) {
    Matcher m = match(url);
    return m == null ? null : m.group(2);
  }

  private static Matcher match(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    String u = url.strip();
    Matcher m = URL.matcher(u);
    if (m.matches()) {
      return m;
    }
    m = SCP.matcher(u);
    return m.matches() ? m : null;
  }
}
