package dev.circlet.runner.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders cache key templates: {@code {{ .Branch }}}, {@code {{ .Revision }}}, {@code {{ .BuildNum
 * }}}, {@code {{ .Environment.X }}}, {@code {{ checksum "file" }}}, {@code {{ epoch }}}, {@code {{
 * arch }}}.
 */
public final class CacheKeyTemplate {
  private static final Pattern ACTION = Pattern.compile("\\{\\{\\s*(.*?)\\s*}}");
  private static final Pattern CHECKSUM = Pattern.compile("checksum\\s+\"([^\"]+)\"");
  private static final Pattern ENV = Pattern.compile("\\.Environment\\.([A-Za-z_][A-Za-z0-9_]*)");

  /** Opens a file a template names ({@code checksum}); in a pod, only inside the project volume, without following links out. */
  @FunctionalInterface
  public interface FileSource {
    InputStream open(String path) throws IOException;
  }

  /** The values a template can use. */
  public record Values(
      String branch, String revision, long buildNum, Map<String, String> environment,
      FileSource files, long epochSeconds, String arch) {}

  private CacheKeyTemplate() {}

  /** Renders {@code template}; a clear {@link IllegalArgumentException} for an unknown action or a missing file. */
  public static String render(String template, Values v) {
    Matcher m = ACTION.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(action(m.group(1), v)));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String action(String a, Values v) {
    Matcher env = ENV.matcher(a);
    Matcher sum = CHECKSUM.matcher(a);
    if (env.matches()) {
      return v.environment().getOrDefault(env.group(1), "<no value>");
    } else if (sum.matches()) {
      return checksum(v.files(), sum.group(1));
    }
    return switch (a) {
      case ".Branch" -> nz(v.branch());
      case ".Revision" -> nz(v.revision());
      case ".BuildNum" -> Long.toString(v.buildNum());
      case "epoch" -> Long.toString(v.epochSeconds());
      case "arch" -> v.arch();
      default -> throw new IllegalArgumentException("unknown cache key template action: {{ " + a + " }}");
    };
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** CircleCI-style arch string, e.g. {@code arch1-linux-amd64}. */
  public static String arch(String osName, String osArch) {
    String os = osName.toLowerCase().startsWith("mac") ? "darwin" : osName.toLowerCase().replace(' ', '_');
    String a = switch (osArch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> osArch;
    };
    return "arch1-" + os + "-" + a;
  }

  /** Base64 of the file's SHA-256. */
  static String checksum(FileSource files, String file) {
    try (InputStream in = files.open(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
      return Base64.getEncoder().encodeToString(md.digest());
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("checksum: no such file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("checksum: cannot read " + file + ": " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
