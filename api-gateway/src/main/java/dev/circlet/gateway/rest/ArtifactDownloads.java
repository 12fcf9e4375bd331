package dev.circlet.gateway.rest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * How an artifact is offered for download: its API path, the media type it is served with and its
 * Content-Disposition. Artifacts are written by the jobs, so they are untrusted content served from
 * the API's own origin: they are always attachments, and types a browser would run (HTML, SVG,
 * JavaScript, XML) are served as {@code application/octet-stream}.
 */
public final class ArtifactDownloads {
  /** Extensions served with their own type: none of them is active content in a browser. */
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("log", "text/plain; charset=utf-8"),
      Map.entry("md", "text/plain; charset=utf-8"),
      Map.entry("csv", "text/csv; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"),
      Map.entry("pdf", "application/pdf"),
      Map.entry("zip", "application/zip"),
      Map.entry("gz", "application/gzip"),
      Map.entry("tgz", "application/gzip"),
      Map.entry("tar", "application/x-tar"),
      Map.entry("jar", "application/java-archive"));
  private static final String BINARY = "application/octet-stream";

  private ArtifactDownloads() {}

  /** The API path that serves the artifact at {@code path} of a Build, each segment percent-encoded. */
  public static String url(String namespace, String build, String path) {
    StringBuilder out = new StringBuilder("/api/v1/builds/").append(segment(namespace)).append('/')
        .append(segment(build)).append("/artifacts");
    for (String s : path.split("/", -1)) {
      out.append('/').append(segment(s));
    }
    return out.toString();
  }

  /** The media type for an artifact's path: a known passive type, else {@code application/octet-stream}. */
  public static String mediaType(String path) {
    String file = fileName(path);
    int dot = file.lastIndexOf('.');
    if (dot < 0 || dot == file.length() - 1) {
      return BINARY;
    }
    return TYPES.getOrDefault(file.substring(dot + 1).toLowerCase(Locale.ROOT), BINARY);
  }

  /**
   * {@code attachment} with the file name: a plain ASCII {@code filename} (quotes, backslashes and
   * control or non-ASCII characters replaced by {@code _}) and the exact name as {@code filename*}.
   */
  public static String disposition(String path) {
    String file = fileName(path);
    StringBuilder ascii = new StringBuilder();
    for (char c : file.toCharArray()) {
      ascii.append(c < 0x20 || c > 0x7e || c == '"' || c == '\\' ? '_' : c);
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + segment(file);
  }

  private static String fileName(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String name = p.substring(p.lastIndexOf('/') + 1);
    return name.isEmpty() ? "artifact" : name;
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
