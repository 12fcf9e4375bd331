package dev.circlet.gateway.ui;

import java.util.Map;

/**
 * Decides how the gateway answers a path under {@code /ui}: the web UI's files as they are, its page
 * routes (a run, a build, the queue) with {@code index.html} so links and reloads work, and
 * {@code /ui} itself with a redirect to {@code /ui/}. The headers keep the UI's pages to the
 * gateway's own scripts and API and out of other sites' frames.
 */
public final class WebUiPaths {
  /** What to do with a request. */
  public enum Answer {
    /** Not a UI path: other routes answer it. */
    NOT_UI,
    /** Redirect to {@code /ui/}. */
    REDIRECT,
    /** Serve {@code /ui/index.html}: the browser-side router shows the page. */
    INDEX,
    /** Serve the file as it is (missing files are 404). */
    FILE
  }

  public static final String ROOT = "/ui";
  public static final String INDEX_PATH = "/ui/index.html";

  /** Sent with every UI file; the UI needs nothing beyond its own origin (no inline script or style). */
  public static final Map<String, String> SECURITY_HEADERS = Map.of(
      "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      "X-Content-Type-Options", "nosniff",
      "X-Frame-Options", "DENY",
      "Referrer-Policy", "no-referrer");

  private WebUiPaths() {}

  /** How to answer {@code method} on the normalized {@code path}. */
  public static Answer answer(String method, String path) {
    if (path == null || !(path.equals(ROOT) || path.startsWith(ROOT + "/"))) {
      return Answer.NOT_UI;
    }
    boolean read = "GET".equals(method) || "HEAD".equals(method);
    if (path.equals(ROOT)) {
      return read ? Answer.REDIRECT : Answer.FILE;
    }
    String rest = path.substring(ROOT.length() + 1);
    if (!read || rest.startsWith("assets/")) {
      return Answer.FILE;
    }
    String last = rest.substring(rest.lastIndexOf('/') + 1);
    // A page route has no file extension; anything with one is a file and may be missing (404).
    return last.contains(".") ? Answer.FILE : Answer.INDEX;
  }
}
