package dev.circlet.kubetest.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides what local command a container of an image runs on the process node, which never pulls
 * images. Entries are tried in order; the first whose glob pattern ({@code *} matches anything)
 * matches the image wins.
 *
 * <p>File format, one entry a line, {@code #} starts a comment:
 *
 * <pre>
 * ghcr.io/circlet/runner:* = java -cp /opt/circlet/agent.jar dev.circlet.kubetest.node.LocalRunnerAgent
 * redis:*                  = /usr/bin/redis-server
 * cimg/*                   = @host
 * </pre>
 *
 * A command replaces the container's executable ({@code command[0]}, or the image's entrypoint when
 * the container names none); the rest of the container's command and its args follow it. {@value
 * #HOST} runs the container's command as written with the host's programs. Words are separated by
 * blanks; double quotes group a word that holds blanks.
 */
public final class ImageMap {

  /** The value that runs a container's own command on the host. */
  public static final String HOST = "@host";

  /** One entry: an image glob and the local command, or {@link #HOST}. */
  public record Entry(String pattern, List<String> command) {
    public Entry {
      command = List.copyOf(command);
      if (pattern.isBlank() || command.isEmpty()) {
        throw new IllegalArgumentException("an image map entry needs a pattern and a command");
      }
    }

    boolean host() {
      return command.size() == 1 && HOST.equals(command.get(0));
    }

    boolean matches(String image) {
      return glob(pattern).matcher(image).matches();
    }
  }

  /** What a container of one image runs: its own command on the host, or a local command prefix. */
  public sealed interface Resolution permits RunOnHost, RunCommand {}

  /** Run the container's command as written. */
  public record RunOnHost() implements Resolution {}

  /** Run {@code command}, followed by the container's command after its first word and its args. */
  public record RunCommand(List<String> command) implements Resolution {}

  private final List<Entry> entries;
  private final String source;

  public ImageMap(List<Entry> entries, String source) {
    this.entries = List.copyOf(entries);
    this.source = source;
  }

  /** Entries of a file in the format above. */
  public static ImageMap read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /** Entries of text in the format above; {@code source} names it in error messages. */
  public static ImageMap parse(String text, String source) {
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected 'image-pattern = command', got: " + line);
      }
      String pattern = line.substring(0, eq).strip();
      List<String> command = words(line.substring(eq + 1), source + ":" + (i + 1));
      if (pattern.isEmpty() || command.isEmpty()) {
        throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected 'image-pattern = command', got: " + line);
      }
      entries.add(new Entry(pattern, command));
    }
    return new ImageMap(entries, source);
  }

  /** This map's entries first, then {@code fallback}'s. */
  public ImageMap then(ImageMap fallback) {
    List<Entry> all = new ArrayList<>(entries);
    all.addAll(fallback.entries);
    return new ImageMap(all, source + ", then " + fallback.source);
  }

  /** What a container of {@code image} runs; empty when no entry matches. */
  public Optional<Resolution> resolve(String image) {
    for (Entry e : entries) {
      if (image != null && e.matches(image)) {
        return Optional.of(e.host() ? new RunOnHost() : new RunCommand(e.command()));
      }
    }
    return Optional.empty();
  }

  /** Where the entries come from, for messages. */
  public String source() {
    return source;
  }

  public List<Entry> entries() {
    return entries;
  }

  static List<String> words(String s, String where) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = null;
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        cur = cur == null ? new StringBuilder() : cur;
      } else if (!quoted && Character.isWhitespace(c)) {
        if (cur != null) {
          out.add(cur.toString());
          cur = null;
        }
      } else {
        cur = cur == null ? new StringBuilder() : cur;
        cur.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(where + ": unterminated quote");
    }
    if (cur != null) {
      out.add(cur.toString());
    }
    return out;
  }

  private static Pattern glob(String pattern) {
    StringBuilder re = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (!re.isEmpty()) {
        re.append(".*");
      }
      re.append(Pattern.quote(part));
    }
    return Pattern.compile(re.toString());
  }
}
