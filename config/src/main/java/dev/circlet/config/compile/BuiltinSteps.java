package dev.circlet.config.compile;

import dev.circlet.config.model.Step;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Compiles the built-in steps (run, checkout, caches, workspaces, ...) with their key checks. */
final class BuiltinSteps {
  static final Set<String> NAMES =
      Set.of("run", "deploy", "checkout", "save_cache", "restore_cache", "persist_to_workspace",
          "attach_workspace", "store_artifacts", "store_test_results", "add_ssh_keys", "setup_remote_docker");

  private static final Pattern TIMEOUT = Pattern.compile("\\d+(\\.\\d+)?[smh]");
  private static final Set<String> WHEN = Set.of("on_success", "on_fail", "always");
  private static final Map<String, Set<String>> KEYS =
      Map.ofEntries(
          Map.entry("run", Set.of("name", "command", "shell", "environment", "background", "working_directory",
              "no_output_timeout", "when")),
          Map.entry("checkout", Set.of("name", "path", "method")),
          Map.entry("save_cache", Set.of("name", "key", "paths", "when")),
          Map.entry("restore_cache", Set.of("name", "key", "keys")),
          Map.entry("persist_to_workspace", Set.of("name", "root", "paths")),
          Map.entry("attach_workspace", Set.of("name", "at")),
          Map.entry("store_artifacts", Set.of("name", "path", "destination")),
          Map.entry("store_test_results", Set.of("name", "path")),
          Map.entry("add_ssh_keys", Set.of("name", "fingerprints")),
          // The remote Docker engine is the platform's service container: its version and layer
          // cache are not chosen here.
          Map.entry("setup_remote_docker", Set.of("name")));

  private final Diags d;

  BuiltinSteps(Diags d) {
    this.d = d;
  }

  Step compile(String type, YNode at, YNode args) {
    String keyType = type.equals("deploy") ? "run" : type;
    if (type.equals("deploy")) {
      d.warn(at.pos(), "'deploy' is deprecated; it runs like 'run' (on node 0 after all nodes succeeded)");
    }
    if ((keyType.equals("run")) && args instanceof YScalar s && !s.isNull()) {
      Step.Builder b = Step.of(type);
      b.command = s.text();
      return b.build();
    }
    YMap m;
    if (Nodes.isNull(args)) {
      m = new YMap(List.of(), at.pos());
    } else if (args instanceof YMap map) {
      m = map;
    } else {
      d.error(args.pos(), "'" + type + "' expects a map, got " + args.kind());
      return null;
    }
    Step.Builder b = Step.of(type);
    Map<String, Object> unsupported = Nodes.keepUnsupported(m, KEYS.get(keyType), "'" + type + "'", d);
    b.unsupported = unsupported.isEmpty() ? null : unsupported;
    b.name = Nodes.text(m, "name", d);
    switch (keyType) {
      case "run" -> run(m, b, type);
      case "checkout" -> {
        b.path = Nodes.text(m, "path", d);
        b.method = oneOf(m, "method", Set.of("full", "blobless", "shallow"));
      }
      case "save_cache" -> {
        b.key = required(m, "key", type);
        b.paths = requiredList(m, "paths", type);
        b.when = oneOf(m, "when", WHEN);
        CacheKeys.check(m.get("key"), d);
      }
      case "restore_cache" -> {
        b.key = Nodes.text(m, "key", d);
        b.keys = Nodes.textList(m.get("keys"), "'keys'", d);
        if (b.key == null && (b.keys == null || b.keys.isEmpty())) {
          d.error(at.pos(), "'restore_cache' needs 'key' or 'keys'");
          return null;
        }
        CacheKeys.check(m.get("key"), d);
        CacheKeys.check(m.get("keys"), d);
      }
      case "persist_to_workspace" -> {
        b.root = required(m, "root", type);
        b.paths = requiredList(m, "paths", type);
      }
      case "attach_workspace" -> b.at = required(m, "at", type);
      case "store_artifacts" -> {
        b.path = required(m, "path", type);
        b.destination = Nodes.text(m, "destination", d);
      }
      case "store_test_results" -> b.path = required(m, "path", type);
      case "add_ssh_keys" -> b.fingerprints = Nodes.textList(m.get("fingerprints"), "'fingerprints'", d);
      default -> {
        // setup_remote_docker has no option Circlet honours beyond its name.
      }
    }
    return b.build();
  }

  private void run(YMap m, Step.Builder b, String type) {
    b.command = required(m, "command", type);
    b.shell = Nodes.text(m, "shell", d);
    Map<String, String> env = Nodes.env(m.get("environment"), d);
    b.environment = env.isEmpty() ? null : env;
    YNode bg = m.get("background");
    if (bg != null) {
      if (bg instanceof YScalar s && s.value() instanceof Boolean v) {
        b.background = v ? Boolean.TRUE : null;
      } else {
        d.error(bg.pos(), "'background' must be true or false");
      }
    }
    b.workingDirectory = Nodes.text(m, "working_directory", d);
    String timeout = Nodes.text(m, "no_output_timeout", d);
    if (timeout != null && !TIMEOUT.matcher(timeout).matches()) {
      d.error(m.get("no_output_timeout").pos(), "no_output_timeout '" + timeout + "' must look like 10m, 30s or 1.5h");
    } else {
      b.noOutputTimeout = timeout;
    }
    b.when = oneOf(m, "when", WHEN);
  }

  private String required(YMap m, String key, String type) {
    String v = Nodes.text(m, key, d);
    if (v == null || v.isEmpty()) {
      d.error(m.pos(), "'" + type + "' needs '" + key + "'");
    }
    return v;
  }

  private List<String> requiredList(YMap m, String key, String type) {
    List<String> v = Nodes.textList(m.get(key), "'" + key + "'", d);
    if (v == null || v.isEmpty()) {
      d.error(m.pos(), "'" + type + "' needs '" + key + "'");
    }
    return v;
  }

  private String oneOf(YMap m, String key, Set<String> allowed) {
    String v = Nodes.text(m, key, d);
    if (v != null && !allowed.contains(v)) {
      d.error(m.get(key).pos(), "'" + key + "' must be one of " + new java.util.TreeSet<>(allowed) + ", got '" + v + "'");
      return null;
    }
    return v;
  }
}
