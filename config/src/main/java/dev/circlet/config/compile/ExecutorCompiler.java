package dev.circlet.config.compile;

import dev.circlet.config.model.ContainerImage;
import dev.circlet.config.model.Executor;
import dev.circlet.config.params.ParamBinder;
import dev.circlet.config.params.Substitutor;
import dev.circlet.config.yaml.YMap;
import dev.circlet.config.yaml.YNode;
import dev.circlet.config.yaml.YScalar;
import dev.circlet.config.yaml.YSeq;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compiles executor definitions ({@code docker}, {@code machine}, {@code macos}) and executor references. */
final class ExecutorCompiler {
  /** An executor with the job-level settings it contributes; job keys override these. */
  record ExecutorDef(Executor executor, String resourceClass, String shell, String workingDirectory, Map<String, String> env) {}

  static final Set<String> EXECUTOR_KEYS =
      Set.of("docker", "machine", "macos", "resource_class", "shell", "working_directory", "environment",
          "parameters", "description");
  private static final Set<String> IMAGE_KEYS =
      Set.of("image", "name", "entrypoint", "command", "user", "environment", "auth", "aws_auth");

  private final Compilation c;

  ExecutorCompiler(Compilation c) {
    this.c = c;
  }

  /** Resolves {@code executor: name} or {@code executor: {name: x, param: v}} in a registry. */
  ExecutorDef reference(YNode ref, Registry home) {
    Diags d = c.diags;
    String name;
    List<YMap.Entry> args = new ArrayList<>();
    YNode namePos;
    if (ref instanceof YScalar s && s.isString()) {
      name = s.text();
      namePos = s;
    } else if (ref instanceof YMap m && m.get("name") instanceof YScalar s && s.isString()) {
      name = s.text();
      namePos = s;
      m.entries().stream().filter(e -> !e.key().equals("name")).forEach(args::add);
    } else {
      d.error(ref.pos(), "executor must be a name or a map with 'name', got " + ref.kind());
      return null;
    }
    Element el = home.executor(name);
    if (el == null && home != c.root) {
      // An executor parameter given by the config names the config's executors (e.g. an orb's).
      el = c.root.executor(name);
    }
    if (el == null) {
      if (!home.fromMissingOrb(name)) {
        d.error(namePos.pos(), "unknown executor '" + name + "'" + known(home.executors.keySet()));
      }
      return null;
    }
    Map<String, YNode> params = ParamBinder.bind(el.params(), args, el.describe(), ref.pos(), d);
    YNode body = Substitutor.apply(el.body().without(Set.of("parameters", "description")),
        c.base.withParameters(params, el.describe()), d);
    Nodes.warnUnknown((YMap) body, EXECUTOR_KEYS, el.describe(), d);
    ExecutorDef def = definition((YMap) body, el.describe());
    if (def == null) {
      d.error(el.body().pos(), el.describe() + " needs one of docker, machine or macos");
    }
    return def;
  }

  private static String known(Set<String> names) {
    return names.isEmpty() ? "" : " (known: " + String.join(", ", names) + ")";
  }

  /** The executor a body defines inline, or null when it has none of docker/machine/macos. */
  ExecutorDef definition(YMap body, String what) {
    Diags d = c.diags;
    List<String> kinds = new ArrayList<>();
    for (String k : List.of("docker", "machine", "macos", "windows")) {
      if (body.has(k)) {
        kinds.add(k);
      }
    }
    if (kinds.isEmpty()) {
      return null;
    }
    if (kinds.size() > 1) {
      d.error(body.entry(kinds.get(1)).keyPos(), what + " has more than one executor type: " + String.join(", ", kinds));
    }
    Executor ex = switch (kinds.get(0)) {
      case "docker" -> docker(body.get("docker"), what);
      case "machine" -> machine(body.get("machine"), what);
      case "macos" -> macos(body.get("macos"));
      default -> {
        d.error(body.entry("windows").keyPos(), "the windows executor is not supported; use a machine image or the windows orb's machine executor");
        yield null;
      }
    };
    if (ex == null) {
      return null;
    }
    return new ExecutorDef(ex, Nodes.text(body, "resource_class", d), Nodes.text(body, "shell", d),
        Nodes.text(body, "working_directory", d), Nodes.env(body.get("environment"), d));
  }

  private Executor docker(YNode n, String what) {
    Diags d = c.diags;
    if (!(n instanceof YSeq seq) || seq.items().isEmpty()) {
      d.error(n.pos(), what + ": docker must be a non-empty list of images");
      return null;
    }
    List<ContainerImage> images = new ArrayList<>();
    for (YNode item : seq.items()) {
      if (!(item instanceof YMap m)) {
        d.error(item.pos(), "a docker image must be a map with 'image', got " + item.kind());
        continue;
      }
      Nodes.warnUnknown(m, IMAGE_KEYS, "docker image", d);
      String image = Nodes.text(m, "image", d);
      if (image == null || image.isBlank()) {
        d.error(m.pos(), "docker image needs 'image'");
        continue;
      }
      for (String k : List.of("auth", "aws_auth")) {
        if (m.has(k)) {
          d.warn(m.entry(k).keyPos(), k + " is not used; registry credentials come from the Pipeline's pull secret");
        }
      }
      Map<String, String> env = Nodes.env(m.get("environment"), d);
      images.add(new ContainerImage(image, Nodes.text(m, "name", d), words(m.get("entrypoint")),
          words(m.get("command")), Nodes.text(m, "user", d), env.isEmpty() ? null : env));
    }
    return images.isEmpty() ? null : new Executor("docker", images, null);
  }

  /** A list stays as it is; a string is split into words like a shell would (quotes group). */
  private List<String> words(YNode n) {
    if (Nodes.isNull(n)) {
      return null;
    }
    if (n instanceof YScalar s) {
      return shellWords(s.text());
    }
    return Nodes.textList(n, "entrypoint/command", c.diags);
  }

  private Executor machine(YNode n, String what) {
    Diags d = c.diags;
    if (n instanceof YScalar s && Boolean.TRUE.equals(s.value())) {
      return new Executor("machine", List.of(), null);
    }
    if (n instanceof YMap m) {
      // docker_layer_caching is kept and named by the job compiler.
      Nodes.warnUnknown(m, Set.of("image", "docker_layer_caching", "enabled", "resource_class", "shell"), "machine", d);
      if (m.get("enabled") instanceof YScalar e && Boolean.FALSE.equals(e.value())) {
        d.error(e.pos(), what + ": machine is disabled (enabled: false)");
        return null;
      }
      return new Executor("machine", List.of(), Nodes.text(m, "image", d));
    }
    d.error(n.pos(), what + ": machine must be true or a map with 'image'");
    return null;
  }

  private Executor macos(YNode n) {
    Diags d = c.diags;
    if (n instanceof YMap m && m.get("xcode") instanceof YScalar x && !x.isNull()) {
      return new Executor("macos", List.of(), "xcode:" + x.text());
    }
    d.error(n.pos(), "macos needs {xcode: <version>}");
    return null;
  }

  static List<String> shellWords(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
        inWord = true;
      } else if (Character.isWhitespace(ch)) {
        if (inWord) {
          out.add(cur.toString());
          cur.setLength(0);
          inWord = false;
        }
      } else {
        cur.append(ch);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(cur.toString());
    }
    return out;
  }

  /** Executor settings overlaid by the job's own keys; environments merge with the job winning. */
  static Map<String, String> mergeEnv(Map<String, String> executor, Map<String, String> job) {
    Map<String, String> out = new LinkedHashMap<>(executor);
    out.putAll(job);
    return out;
  }
}
