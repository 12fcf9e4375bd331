package dev.circlet.kubetest.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's file system view on the process node, which has no mount namespaces: each volume
 * mount becomes a symbolic link {@code <root>/<mountPath>} to the volume's directory on the host,
 * and every container path under a mount (in the command, args, env values and working directory)
 * is rewritten to the same path under {@code root}. Paths that are not under a mount (e.g.
 * {@code /bin/sh}) mean the host's files.
 *
 * <p>A path is recognised in a larger string (e.g. {@code sh -c 'echo hi > /data/out'}) when it
 * starts the string or follows a blank, quote, {@code =}, {@code :}, {@code (} or {@code ,}, and
 * ends it or is followed by {@code /}, a blank, quote, {@code ;}, {@code :}, {@code )} or
 * {@code ,}.
 */
public final class ContainerPaths {

  private final Path root;
  private final Map<String, Path> mounts;
  private final Pattern pattern;

  /**
   * @param root the container's directory of links
   * @param mounts container path (absolute) to host path; the termination-message file is one too
   */
  public ContainerPaths(Path root, Map<String, Path> mounts) {
    this.root = root.toAbsolutePath();
    this.mounts = new LinkedHashMap<>();
    for (Map.Entry<String, Path> m : mounts.entrySet()) {
      String p = normalise(m.getKey());
      this.mounts.put(p, m.getValue());
    }
    List<String> longestFirst = new ArrayList<>(this.mounts.keySet());
    longestFirst.sort(Comparator.comparingInt(String::length).reversed());
    StringBuilder alt = new StringBuilder();
    for (String p : longestFirst) {
      alt.append(alt.isEmpty() ? "" : "|").append(Pattern.quote(p));
    }
    this.pattern = longestFirst.isEmpty()
        ? null
        : Pattern.compile("(?<![^\\s'\"=:(,])(" + alt + ")(?![^/\\s'\";:),])");
  }

  private static String normalise(String containerPath) {
    if (!containerPath.startsWith("/")) {
      throw new IllegalArgumentException("mount path must be absolute: " + containerPath);
    }
    String p = containerPath.replaceAll("/+", "/");
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  public Path root() {
    return root;
  }

  /** The host path of a container path under a mount, or the path itself when under none. */
  public String rewrite(String value) {
    if (value == null || pattern == null) {
      return value;
    }
    Matcher m = pattern.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(root + m.group(1)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Each of the values rewritten. */
  public List<String> rewrite(List<String> values) {
    return values.stream().map(this::rewrite).toList();
  }

  /** Where a container path lives on the host (under {@link #root()}). */
  public Path hostPath(String containerPath) {
    return root.resolve(normalise(containerPath).substring(1));
  }

  /** Creates the links, shortest mount path first; the host paths they point to must exist. */
  public void link() throws IOException {
    Files.createDirectories(root);
    List<String> shortestFirst = new ArrayList<>(mounts.keySet());
    shortestFirst.sort(Comparator.comparingInt(String::length));
    for (String p : shortestFirst) {
      Path link = hostPath(p);
      Files.createDirectories(link.getParent());
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, mounts.get(p).toAbsolutePath());
    }
  }
}
