package dev.circlet.config.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One compiled step; its JSON form matches the operator's {@code Step}. Commands and parameters
 * are expanded; cache-key templates are kept verbatim for the runner.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Step(
    String type,
    String name,
    String command,
    String shell,
    Map<String, String> environment,
    Boolean background,
    String workingDirectory,
    String noOutputTimeout,
    String when,
    String key,
    List<String> keys,
    List<String> paths,
    String path,
    String destination,
    String root,
    String at,
    String method,
    List<String> fingerprints,
    @JsonIgnore Map<String, Object> unsupported) {
  public Step {
    unsupported = unsupported == null || unsupported.isEmpty() ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(unsupported));
  }

  /** A step without options Circlet cannot honour. */
  public Step(String type, String name, String command, String shell, Map<String, String> environment,
      Boolean background, String workingDirectory, String noOutputTimeout, String when, String key,
      List<String> keys, List<String> paths, String path, String destination, String root, String at,
      String method, List<String> fingerprints) {
    this(type, name, command, shell, environment, background, workingDirectory, noOutputTimeout, when, key, keys,
        paths, path, destination, root, at, method, fingerprints, Map.of());
  }

  /** Starts a step of the given type; the builder fills the rest. */
  public static Builder of(String type) {
    return new Builder(type);
  }

  /** Mutable builder used by the step compiler. */
  public static final class Builder {
    private final String type;
    public String name;
    public String command;
    public String shell;
    public Map<String, String> environment;
    public Boolean background;
    public String workingDirectory;
    public String noOutputTimeout;
    public String when;
    public String key;
    public List<String> keys;
    public List<String> paths;
    public String path;
    public String destination;
    public String root;
    public String at;
    public String method;
    public List<String> fingerprints;
    /** Options written in the config that Circlet keeps but cannot honour (e.g. a remote Docker version). */
    public Map<String, Object> unsupported;

    private Builder(String type) {
      this.type = type;
    }

    public Step build() {
      return new Step(type, name, command, shell, environment, background, workingDirectory,
          noOutputTimeout, when, key, keys, paths, path, destination, root, at, method, fingerprints, unsupported);
    }
  }
}
