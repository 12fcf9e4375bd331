package dev.circlet.config;

import dev.circlet.config.model.CompiledWorkflow;
import dev.circlet.config.model.ContainerImage;
import dev.circlet.config.model.Executor;
import dev.circlet.config.model.JobSpec;
import dev.circlet.config.model.Step;
import dev.circlet.config.yaml.YamlWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints compiled workflows as a processed config, like {@code circleci config process}: plain
 * {@code version: 2} YAML with every orb, command, executor, parameter and matrix expanded.
 */
public final class ConfigProcessor {
  private ConfigProcessor() {}

  /** The workflows as compiled for one trigger: what would run, without the conditions already decided. */
  public static String process(List<CompiledWorkflow> workflows) {
    return process(workflows, false);
  }

  /**
   * With {@code keepConditions}, job {@code filters} and workflow {@code when}, {@code unless} and
   * {@code triggers} are printed as written, for the trigger to decide (CircleCI's own output for a
   * config processed without a trigger).
   */
  public static String process(List<CompiledWorkflow> workflows, boolean keepConditions) {
    Map<String, Object> jobs = new LinkedHashMap<>();
    Map<String, Object> wfs = new LinkedHashMap<>();
    for (CompiledWorkflow w : workflows) {
      List<Object> entries = new java.util.ArrayList<>();
      for (JobSpec j : w.jobs()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        String key = j.name();
        if (j.type().equals("approval")) {
          entry.put("type", "approval");
        } else {
          Map<String, Object> body = job(j);
          // Same name, different content in another workflow: keep both under distinct keys.
          if (jobs.containsKey(key) && !jobs.get(key).equals(body)) {
            key = j.name() + "-" + w.name();
            entry.put("name", j.name());
          }
          jobs.put(key, body);
        }
        putList(entry, "requires", requires(j));
        putList(entry, "context", j.contexts());
        put(entry, "serial-group", j.serialGroup());
        if (keepConditions) {
          put(entry, "filters", w.filters().get(j.name()));
        }
        entries.add(entry.isEmpty() ? key : Map.of(key, entry));
      }
      Map<String, Object> wf = new LinkedHashMap<>();
      if (keepConditions) {
        wf.putAll(w.conditions());
      }
      wf.put("jobs", entries);
      wfs.put(w.name(), wf);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", 2);
    root.put("jobs", jobs);
    root.put("workflows", wfs);
    return YamlWriter.write(root);
  }

  private static Map<String, Object> job(JobSpec j) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (j.type().equals("no-op")) {
      m.put("type", "no-op");
      return m;
    }
    Executor e = j.executor();
    if (e != null) {
      switch (e.kind()) {
        case "docker" -> m.put("docker", e.images().stream().map(ConfigProcessor::image).toList());
        case "machine" -> m.put("machine", e.machineImage() == null ? (Object) true : Map.of("image", e.machineImage()));
        default -> m.put("macos", Map.of("xcode", e.machineImage().substring("xcode:".length())));
      }
    }
    put(m, "resource_class", j.resourceClass());
    put(m, "working_directory", j.workingDirectory());
    put(m, "shell", j.shell());
    if (!j.environment().isEmpty()) {
      m.put("environment", j.environment());
    }
    put(m, "parallelism", j.parallelism());
    j.unsupported().forEach(m::putIfAbsent);
    m.put("steps", j.steps().stream().map(ConfigProcessor::step).toList());
    return m;
  }

  private static Map<String, Object> image(ContainerImage i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("image", i.image());
    put(m, "name", i.name());
    put(m, "entrypoint", i.entrypoint());
    put(m, "command", i.command());
    put(m, "user", i.user());
    put(m, "environment", i.environment());
    return m;
  }

  private static Object step(Step s) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "name", s.name());
    put(m, "command", s.command());
    put(m, "shell", s.shell());
    put(m, "environment", s.environment());
    put(m, "background", s.background());
    put(m, "working_directory", s.workingDirectory());
    put(m, "no_output_timeout", s.noOutputTimeout());
    put(m, "when", s.when());
    put(m, "key", s.key());
    put(m, "keys", s.keys());
    put(m, "paths", s.paths());
    put(m, "path", s.path());
    put(m, "destination", s.destination());
    put(m, "root", s.root());
    put(m, "at", s.at());
    put(m, "method", s.method());
    put(m, "fingerprints", s.fingerprints());
    s.unsupported().forEach(m::putIfAbsent);
    return m.isEmpty() ? s.type() : Map.of(s.type(), m);
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null && !(v instanceof Map<?, ?> x && x.isEmpty()) && !(v instanceof List<?> l && l.isEmpty())) {
      m.put(k, v);
    }
  }

  /** Plain names, and {@code name: status} (or a list of statuses) where the entry waits for more. */
  private static List<Object> requires(JobSpec j) {
    List<Object> out = new java.util.ArrayList<>();
    for (String r : j.requires()) {
      List<String> statuses = j.acceptedStatuses(r);
      out.add(statuses.isEmpty() ? r : Map.of(r, statuses.size() == 1 ? statuses.get(0) : statuses));
    }
    return out;
  }

  private static void putList(Map<String, Object> m, String k, List<?> v) {
    put(m, k, v);
  }
}
