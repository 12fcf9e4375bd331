package dev.circlet.gateway.trigger;

import java.util.Locale;

/**
 * Normalises repository URLs so a Pipeline naming {@code git@github.com:Acme/App.git} matches a
 * webhook naming {@code https://github.com/acme/app}: scheme, user, port and {@code .git} are
 * dropped, SCP-style SSH becomes host/path, and the result is lower case (GitHub, GitLab and
 * Bitbucket paths are case-insensitive). {@code file://} URLs keep their path.
 */
public final class RepositoryUrls {
  private RepositoryUrls() {}

  public static String normalise(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("a repository URL must not be empty");
    }
    String u = url.strip();
    if (u.startsWith("file://")) {
      return "file:" + trimSuffixes(u.substring("file://".length()));
    }
    int scheme = u.indexOf("://");
    String rest;
    if (scheme >= 0) {
      rest = u.substring(scheme + 3);
    } else if (u.matches("^[^/@:]+@[^/:]+:.*") || u.matches("^[^/:]+:[^/].*")) {
      // SCP-like syntax: [user@]host:path
      int colon = u.indexOf(':');
      rest = u.substring(0, colon) + "/" + u.substring(colon + 1);
    } else {
      rest = u;
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    int port = authority.lastIndexOf(':');
    if (port >= 0) {
      authority = authority.substring(0, port);
    }
    return (authority + trimSuffixes(path)).toLowerCase(Locale.ROOT);
  }

  private static String trimSuffixes(String path) {
    String p = path;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.endsWith(".git")) {
      p = p.substring(0, p.length() - 4);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
