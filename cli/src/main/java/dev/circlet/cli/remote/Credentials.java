package dev.circlet.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * The gateway URL and API token the remote commands use: {@code CIRCLET_GATEWAY_URL} and
 * {@code CIRCLET_TOKEN} when set, else the file {@code circlet login} wrote
 * ({@code $XDG_CONFIG_HOME/circlet/credentials.json}, by default under {@code ~/.config}), which
 * only its owner can read or write.
 */
public record Credentials(String url, String token) {
  public static final String ENV_URL = "CIRCLET_GATEWAY_URL";
  public static final String ENV_TOKEN = "CIRCLET_TOKEN";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  /** The credentials file for this environment. */
  public static Path file(Map<String, String> env, Path home) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path dir = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
    return dir.resolve("circlet").resolve("credentials.json");
  }

  /** The credentials to use, the environment taking precedence over the file, field by field. */
  public static Credentials resolve(Map<String, String> env, Path home) {
    String url = blankToNull(env.get(ENV_URL));
    String token = blankToNull(env.get(ENV_TOKEN));
    if (url == null || token == null) {
      Path f = file(env, home);
      if (Files.exists(f)) {
        try {
          JsonNode n = JSON.readTree(f.toFile());
          url = url != null ? url : text(n, "url");
          token = token != null ? token : text(n, "token");
        } catch (IOException e) {
          throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
        }
      }
    }
    if (url == null || token == null) {
      throw new IllegalStateException("not logged in: run 'circlet login --url <gateway URL>' or set "
          + ENV_URL + " and " + ENV_TOKEN);
    }
    return new Credentials(normalise(url), token);
  }

  /** Writes the credentials file readable by its owner only, replacing it atomically. */
  public void save(Map<String, String> env, Path home) {
    Path f = file(env, home);
    try {
      Files.createDirectories(f.getParent(), PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (FileAlreadyExistsException e) {
        throw new IllegalStateException("another login is writing " + tmp, e);
      }
      ObjectNode n = JSON.createObjectNode().put("url", url).put("token", token);
      Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.setPosixFilePermissions(f, OWNER_ONLY);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + f, e);
    }
  }

  /** An http(s) URL without a trailing slash; anything else is refused. */
  public static String normalise(String url) {
    URI u;
    try {
      u = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the gateway URL is not a URL: " + url);
    }
    if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http"))
        || u.getHost() == null || u.getRawQuery() != null || u.getRawFragment() != null || u.getUserInfo() != null) {
      throw new IllegalArgumentException("the gateway URL must be http(s)://host[:port][/path]: " + url);
    }
    String s = u.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  @Override
  public String toString() {
    return "Credentials[url=" + url + ", token=<hidden>]";
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? blankToNull(n.get(field).asText()) : null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
